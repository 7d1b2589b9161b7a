package io.sightline.rtp.cc;

/**
 * The rate at which a receiver got packets, over the last {@link #WINDOW_MICROS} of its own arrival clock: what the
 * path demonstrably carries now (libwebrtc's acknowledged bitrate). Allocation-free ring of the last arrivals.
 */
final class AcknowledgedRate {
    static final long WINDOW_MICROS = 500_000;
    private static final int SIZE = 2048;

    private final long[] arrivals = new long[SIZE];
    private final int[] sizes = new int[SIZE];
    private int head;
    private int count;
    private long bytesInWindow;
    private long firstArrival = Long.MIN_VALUE;
    private long latest = Long.MIN_VALUE;

    void add(long arrivalMicros, int bytes) {
        if (firstArrival == Long.MIN_VALUE) {
            firstArrival = arrivalMicros;
        }
        latest = Math.max(latest, arrivalMicros);
        if (count == SIZE) {
            drop();
        }
        int slot = (head + count) % SIZE;
        arrivals[slot] = arrivalMicros;
        sizes[slot] = bytes;
        count++;
        bytesInWindow += bytes;
        while (count > 0 && arrivals[head] <= latest - WINDOW_MICROS) {
            drop();
        }
    }

    private void drop() {
        bytesInWindow -= sizes[head];
        head = (head + 1) % SIZE;
        count--;
    }

    /** Bits per second over the window, or 0 until a whole window has been seen. */
    long bps() {
        if (firstArrival == Long.MIN_VALUE || latest - firstArrival < WINDOW_MICROS) {
            return 0;
        }
        return bytesInWindow * 8_000_000 / WINDOW_MICROS;
    }
}
