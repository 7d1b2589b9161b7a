package io.sightline.source.testpattern.internal;

import java.util.Arrays;

/**
 * Drawing primitives over one packed I420 buffer (layout of {@link io.sightline.api.media.RawVideoFrame}); all
 * rectangles are clipped to the picture. Points to a new buffer with {@link #target(byte[])} so one canvas serves
 * every frame.
 */
final class I420Canvas {
    private final int width;
    private final int height;
    private final int chromaWidth;
    private final int uOffset;
    private final int vOffset;
    private byte[] data;

    I420Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.chromaWidth = (width + 1) / 2;
        this.uOffset = width * height;
        this.vOffset = uOffset + chromaWidth * ((height + 1) / 2);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    byte[] data() {
        return data;
    }

    void target(byte[] i420) {
        this.data = i420;
    }

    /** Sets luma only (chroma under it is unchanged): text and edges on a neutral background. */
    void fillLuma(int x, int y, int w, int h, int value) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        if (x0 >= x1 || y0 >= y1) {
            return;
        }
        byte b = (byte) value;
        for (int row = y0; row < y1; row++) {
            Arrays.fill(data, row * width + x0, row * width + x1, b);
        }
    }

    /** Fills luma and the chroma samples the rectangle covers (exact for even coordinates). */
    void fill(int x, int y, int w, int h, YuvColor color) {
        fillLuma(x, y, w, h, color.y());
        int cx0 = Math.max(0, x) / 2;
        int cy0 = Math.max(0, y) / 2;
        int cx1 = (Math.min(width, x + w) + 1) / 2;
        int cy1 = (Math.min(height, y + h) + 1) / 2;
        if (cx0 >= cx1 || cy0 >= cy1) {
            return;
        }
        byte u = (byte) color.u();
        byte v = (byte) color.v();
        for (int row = cy0; row < cy1; row++) {
            Arrays.fill(data, uOffset + row * chromaWidth + cx0, uOffset + row * chromaWidth + cx1, u);
            Arrays.fill(data, vOffset + row * chromaWidth + cx0, vOffset + row * chromaWidth + cx1, v);
        }
    }
}
