package io.sightline.source.testpattern.internal;

/** A colour as BT.601 limited-range (video range) Y'CbCr, the range encoders and browsers assume for I420. */
record YuvColor(int y, int u, int v) {
    /** Neutral-chroma grey of the given luma. */
    static YuvColor grey(int luma) {
        return new YuvColor(luma, 128, 128);
    }

    /** Converts full-range 8-bit R'G'B' to BT.601 limited range Y'CbCr (ITU-R BT.601, 219/224 quantisation). */
    static YuvColor fromRgb(int r, int g, int b) {
        double rf = r / 255.0;
        double gf = g / 255.0;
        double bf = b / 255.0;
        int y = (int) Math.round(16 + 65.481 * rf + 128.553 * gf + 24.966 * bf);
        int u = (int) Math.round(128 - 37.797 * rf - 74.203 * gf + 112.0 * bf);
        int v = (int) Math.round(128 + 112.0 * rf - 93.786 * gf - 18.214 * bf);
        return new YuvColor(y, u, v);
    }
}
