package io.sightline.core.internal;

/**
 * Whether an on-demand stream's source is wanted: while anyone is subscribed, and for
 * {@code on.demand.close.after.seconds} after the last one left, so a viewer who reloads the page does not pay for a
 * source restart. Always-on streams always want their source.
 */
final class OnDemandClose {
    /** The source is wanted; when {@code recheckInMs > 0}, only that much longer unless someone subscribes. */
    record Verdict(boolean wanted, long recheckInMs) {
        static final Verdict KEEP = new Verdict(true, 0);
        static final Verdict CLOSE = new Verdict(false, 0);
    }

    private volatile long lastDemandMillis = Long.MIN_VALUE / 2;

    /** A subscriber left. */
    void demandEnded(long nowMillis) {
        lastDemandMillis = nowMillis;
    }

    Verdict verdict(StreamSettings settings, boolean subscribed, boolean sourceRunning, long nowMillis) {
        if (!settings.onDemand() || subscribed) {
            return Verdict.KEEP;
        }
        long idleFor = nowMillis - lastDemandMillis;
        long closeAfter = settings.closeAfterSeconds() * 1000L;
        if (sourceRunning && idleFor < closeAfter) {
            return new Verdict(true, closeAfter - idleFor);
        }
        return Verdict.CLOSE;
    }
}
