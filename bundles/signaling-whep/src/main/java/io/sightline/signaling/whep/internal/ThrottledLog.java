package io.sightline.signaling.whep.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs refusals without letting a flood flood the log: per kind (e.g. "429"), at most {@code perWindow} lines per
 * window; the first line of the next window says how many were suppressed. Kinds are a small fixed set (status
 * codes), so the map stays tiny whatever callers send.
 */
final class ThrottledLog {
    private static final class Window {
        long startNanos;
        int logged;
        final AtomicLong suppressed = new AtomicLong();

        Window(long start) {
            this.startNanos = start;
        }
    }

    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    ThrottledLog(Logger log, int perWindow, long windowNanos, LongSupplier nanoClock) {
        this.log = log;
        this.perWindow = perWindow;
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Logs at INFO unless this kind has used up its window.
     *
     * @return whether the line was written
     */
    boolean info(String kind, String format, Object... args) {
        long now = nanoClock.getAsLong();
        Window w = windows.computeIfAbsent(kind, k -> new Window(now));
        long suppressed = 0;
        synchronized (w) {
            if (now - w.startNanos >= windowNanos) {
                w.startNanos = now;
                w.logged = 0;
                suppressed = w.suppressed.getAndSet(0);
            }
            if (w.logged >= perWindow) {
                w.suppressed.incrementAndGet();
                return false;
            }
            w.logged++;
        }
        if (suppressed > 0) {
            log.info("{} similar refusals ({}) were not logged in the last {} s", suppressed, kind,
                    windowNanos / 1_000_000_000L);
        }
        log.info(format, args);
        return true;
    }
}
