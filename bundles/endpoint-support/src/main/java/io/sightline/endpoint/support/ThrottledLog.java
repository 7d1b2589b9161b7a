package io.sightline.endpoint.support;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs refusals without letting a flood flood the log: per kind (e.g. "429"), at most {@code perWindow} lines per
 * window; the first line of the next window says how many were suppressed. Used by the HTTP endpoints and by the
 * SFU's ICE agent for the packets it drops. Callers use a small fixed set of kinds
 * (status codes, "lockout"), never caller-supplied text, so the map stays tiny whatever callers send.
 */
public final class ThrottledLog {
    private static final class Window {
        long startNanos;
        int logged;
        final AtomicLong suppressed = new AtomicLong();

        Window(long start) {
            this.startNanos = start;
        }
    }

    private static final String SUPPRESSED = "{} similar lines ({}) were not logged in the last {} s";

    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param log         where lines go
     * @param perWindow   lines per kind and window
     * @param windowNanos window length
     * @param nanoClock   the clock ({@code System::nanoTime}; a test clock in tests)
     */
    public ThrottledLog(Logger log, int perWindow, long windowNanos, LongSupplier nanoClock) {
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
    public boolean info(String kind, String format, Object... args) {
        long suppressed = admit(kind);
        if (suppressed < 0) {
            return false;
        }
        if (suppressed > 0) {
            log.info(SUPPRESSED, suppressed, kind, windowNanos / 1_000_000_000L);
        }
        log.info(format, args);
        return true;
    }

    /**
     * Logs at WARN unless this kind has used up its window.
     *
     * @return whether the line was written
     */
    public boolean warn(String kind, String format, Object... args) {
        long suppressed = admit(kind);
        if (suppressed < 0) {
            return false;
        }
        if (suppressed > 0) {
            log.warn(SUPPRESSED, suppressed, kind, windowNanos / 1_000_000_000L);
        }
        log.warn(format, args);
        return true;
    }

    /**
     * Logs at DEBUG unless DEBUG is off or this kind has used up its window. For refusals that happen per packet (a
     * scanner on a media port): with DEBUG off it costs one check, and the fixed arguments allocate no array.
     *
     * @return whether the line was written
     */
    public boolean debug(String kind, String format, Object arg) {
        return debug(kind, format, arg, null, 1);
    }

    /** As {@link #debug(String, String, Object)}, with two arguments. */
    public boolean debug(String kind, String format, Object arg1, Object arg2) {
        return debug(kind, format, arg1, arg2, 2);
    }

    private boolean debug(String kind, String format, Object arg1, Object arg2, int arguments) {
        if (!log.isDebugEnabled()) {
            return false;
        }
        long suppressed = admit(kind);
        if (suppressed < 0) {
            return false;
        }
        if (suppressed > 0) {
            log.debug(SUPPRESSED, suppressed, kind, windowNanos / 1_000_000_000L);
        }
        if (arguments == 1) {
            log.debug(format, arg1);
        } else {
            log.debug(format, arg1, arg2);
        }
        return true;
    }

    /** -1 when this kind's window is used up, else how many lines of the previous window were suppressed. */
    private long admit(String kind) {
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
                return -1;
            }
            w.logged++;
        }
        return suppressed;
    }
}
