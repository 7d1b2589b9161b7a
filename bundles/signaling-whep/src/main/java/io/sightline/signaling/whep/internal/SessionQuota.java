package io.sightline.signaling.whep.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts viewer sessions per stream and in total, and reserves a place before a session is opened so that
 * concurrent offers cannot overshoot the limits. A reservation is released when the open fails or the session ends.
 */
final class SessionQuota {
    /** Which limit refused a reservation. */
    enum Refusal {
        NONE, STREAM_FULL, SERVER_FULL
    }

    private int maxPerStream;
    private int maxTotal;
    private final Map<String, Integer> perStream = new HashMap<>();
    private int total;

    /** Limits of 0 or less mean unlimited. */
    SessionQuota(int maxPerStream, int maxTotal) {
        this.maxPerStream = maxPerStream;
        this.maxTotal = maxTotal;
    }

    /** Reserves a place for one session of {@code stream}; {@link Refusal#NONE} when reserved. */
    synchronized Refusal reserve(String stream) {
        if (maxTotal > 0 && total >= maxTotal) {
            return Refusal.SERVER_FULL;
        }
        int n = perStream.getOrDefault(stream, 0);
        if (maxPerStream > 0 && n >= maxPerStream) {
            return Refusal.STREAM_FULL;
        }
        perStream.put(stream, n + 1);
        total++;
        return Refusal.NONE;
    }

    /** Gives back one place; called exactly once per successful {@link #reserve}. */
    synchronized void release(String stream) {
        Integer n = perStream.get(stream);
        if (n == null) {
            return;
        }
        if (n <= 1) {
            perStream.remove(stream);
        } else {
            perStream.put(stream, n - 1);
        }
        total--;
    }

    synchronized int total() {
        return total;
    }

    /** Changes the limits; live sessions stay counted (a lower limit only refuses new sessions). */
    synchronized void limits(int newMaxPerStream, int newMaxTotal) {
        this.maxPerStream = newMaxPerStream;
        this.maxTotal = newMaxTotal;
    }
}
