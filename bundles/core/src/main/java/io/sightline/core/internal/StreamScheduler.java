package io.sightline.core.internal;

/**
 * A stream's clock and its supervisor thread: life-cycle work runs one task at a time, timers (backoff, watchdog,
 * on-demand close) are scheduled on it. Behind an interface so that tests drive time by hand instead of sleeping.
 */
interface StreamScheduler {
    /** Wall-clock milliseconds, as {@link System#currentTimeMillis()}; the one time source of a stream. */
    long millis();

    /** Runs {@code task} on the supervisor thread after the tasks already queued; ignored after {@link #shutdown()}. */
    void execute(Runnable task);

    /** Runs {@code task} on the supervisor thread once {@code delayMs} have passed. */
    Cancellable schedule(Runnable task, long delayMs);

    /** Stops accepting tasks; the tasks already queued still run, the timers are dropped. */
    void shutdown();

    boolean isShutdown();

    /** A scheduled task that may still be called off. */
    interface Cancellable {
        void cancel();
    }
}
