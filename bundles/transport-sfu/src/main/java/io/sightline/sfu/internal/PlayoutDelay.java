package io.sightline.sfu.internal;

import java.util.Locale;

/**
 * The playout delay the SFU asks libwebrtc-based viewers (Chromium) for ({@code playout.delay}), sent in every video
 * packet as the RTP playout-delay header extension (http://www.webrtc.org/experiments/rtp-hdrext/playout-delay: a
 * minimum and a maximum in 10 ms units, 12 bits each) when the viewer's offer lists it: Chromium's does (and so does
 * the Safari 18 offer among the rtp bundle's test fixtures); Firefox's does not.
 *
 * <p>Why it matters: with {@code 0} the browser shows each picture as soon as it is decoded, so when a picture is shown
 * depends on when it arrived relative to the display's refresh; on a 60 Hz display pictures that arrive around a
 * refresh land one refresh (16.7 ms) earlier or later from picture to picture. A small fixed delay lets the browser
 * schedule pictures by their timestamps instead, on a steady cadence (docs/performance.md, "Playout delay").
 */
record PlayoutDelay(int minMillis, int maxMillis) {
    /** The default ({@code playout.delay}): see docs/performance.md, "Playout delay", for the measurements behind it. */
    static final String DEFAULT_KEY = "30";
    /** The extension's largest value: 12 bits of 10 ms units. */
    static final int MAX_MILLIS = 4095 * 10;
    /** Not sent: the browser's own adaptive jitter buffer decides (as most servers do). */
    static final PlayoutDelay BROWSER = new PlayoutDelay(-1, -1);

    /** What a repair adds beyond the round trip: noticing the gap (up to a frame interval) and decoding. */
    static final int REPAIR_MARGIN_MILLIS = 20;
    /**
     * Below this round trip a repaired loss stalls the picture for less than two frame intervals at 30 fps: a hitch,
     * not a freeze, so the latency of a deeper buffer is not worth it (measured: at 2% loss and 40 ms RTT the raise
     * cost 30-70 ms of glass-to-glass for no fewer freezes, docs/performance.md "Lossy links").
     */
    static final int LOSSY_MIN_RTT_MILLIS = 50;
    /** The most a lossy link raises the delay to. */
    static final int LOSSY_CAP_MILLIS = 500;

    /**
     * The delay for a viewer's link: this one, or on a lossy link with a known round trip a minimum long enough for a
     * retransmission to arrive before the picture is due (RTT + {@link #REPAIR_MARGIN_MILLIS}, in 10 ms steps, at most
     * {@link #LOSSY_CAP_MILLIS}), from a round trip of {@link #LOSSY_MIN_RTT_MILLIS} on. Chromium does not count retransmitted pictures in its jitter estimate, so without a
     * higher minimum every repaired loss stalls the picture for a round trip. Not sent stays not sent.
     */
    PlayoutDelay forLink(boolean lossy, double rttMs) {
        if (!sent() || !lossy || rttMs < LOSSY_MIN_RTT_MILLIS) {
            return this;
        }
        int needed = Math.min(LOSSY_CAP_MILLIS, (int) Math.ceil((rttMs + REPAIR_MARGIN_MILLIS) / 10) * 10);
        if (needed <= minMillis) {
            return this;
        }
        return new PlayoutDelay(needed, Math.max(maxMillis, needed));
    }

    /** Whether packets carry the extension at all. */
    boolean sent() {
        return minMillis >= 0;
    }

    /** Writes the extension's three bytes into {@code ext} from {@code offset}. */
    void write(byte[] ext, int offset) {
        int min = minMillis / 10;
        int max = maxMillis / 10;
        ext[offset] = (byte) (min >> 4);
        ext[offset + 1] = (byte) ((min << 4) | (max >> 8));
        ext[offset + 2] = (byte) max;
    }

    /** The configuration value that gives this delay, e.g. {@code 30}, {@code 0-100} or {@code browser}. */
    String key() {
        if (!sent()) {
            return "browser";
        }
        return minMillis == maxMillis ? Integer.toString(minMillis) : minMillis + "-" + maxMillis;
    }

    /**
     * Parses {@code browser}, a fixed delay in ms ({@code 30}) or a range ({@code 0-100}). Values must be multiples of
     * 10 ms (the extension's unit) up to 40950; anything else is rejected so a typo does not go unnoticed.
     */
    static PlayoutDelay parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("browser")) {
            return BROWSER;
        }
        int dash = v.indexOf('-');
        int min = millis(dash < 0 ? v : v.substring(0, dash), value);
        int max = dash < 0 ? min : millis(v.substring(dash + 1), value);
        if (max < min) {
            throw invalid(value);
        }
        return new PlayoutDelay(min, max);
    }

    private static int millis(String part, String value) {
        int ms;
        try {
            ms = Integer.parseInt(part.trim());
        } catch (NumberFormatException e) {
            throw invalid(value);
        }
        if (ms < 0 || ms > MAX_MILLIS || ms % 10 != 0) {
            throw invalid(value);
        }
        return ms;
    }

    private static IllegalArgumentException invalid(String value) {
        return new IllegalArgumentException("playout.delay must be 'browser', a delay in ms (a multiple of 10, at most "
                + MAX_MILLIS + ") or a range MIN-MAX, not '" + value + "'");
    }
}
