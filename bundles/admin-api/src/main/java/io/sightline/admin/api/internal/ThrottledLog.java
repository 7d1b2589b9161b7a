package io.sightline.admin.api.internal;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Writes at most {@code perWindow} WARN lines per window, so a password-guessing flood cannot flood the log; the
 * first line of the next window says how many were suppressed.
 */
final class ThrottledLog {
    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private long windowStartNanos;
    private boolean started;
    private int logged;
    private long suppressed;

    ThrottledLog(Logger log, int perWindow, long windowNanos, LongSupplier nanoClock) {
        this.log = log;
        this.perWindow = perWindow;
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    /** Logs at WARN unless the window is used up; whether the line was written. */
    boolean warn(String format, Object... args) {
        long now = nanoClock.getAsLong();
        long dropped = 0;
        synchronized (this) {
            if (!started || now - windowStartNanos >= windowNanos) {
                started = true;
                windowStartNanos = now;
                logged = 0;
                dropped = suppressed;
                suppressed = 0;
            }
            if (logged >= perWindow) {
                suppressed++;
                return false;
            }
            logged++;
        }
        if (dropped > 0) {
            log.warn("{} further admin API lockouts were not logged in the last {} s", dropped,
                    windowNanos / 1_000_000_000L);
        }
        log.warn(format, args);
        return true;
    }
}
