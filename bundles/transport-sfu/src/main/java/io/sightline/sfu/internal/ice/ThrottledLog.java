package io.sightline.sfu.internal.ice;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/** Logs at most once per interval, reporting how many messages were suppressed in between. */
final class ThrottledLog {

    private final Logger log;
    private final boolean warn;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    ThrottledLog(Logger log, boolean warn, long interval, TimeUnit unit) {
        this.log = log;
        this.warn = warn;
        this.intervalNanos = unit.toNanos(interval);
    }

    void log(String message, Object detail) {
        log(message, detail, null);
    }

    /**
     * As {@link #log(String, Object)} with a second detail; the caller passes the objects as they are, so a packet
     * that is suppressed (nearly all of them in a flood) costs no string building.
     */
    void log(String message, Object detail, Object from) {
        if (warn ? !log.isWarnEnabled() : !log.isDebugEnabled()) {
            return;
        }
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        String text = message + (detail == null ? "" : ": " + detail) + (from == null ? "" : " from " + from);
        if (warn) {
            log.warn("{} ({} similar suppressed)", text, skipped);
        } else {
            log.debug("{} ({} similar suppressed)", text, skipped);
        }
    }
}
