package io.sightline.core.internal;

import io.sightline.api.media.RawVideoFrame;

/**
 * Shrinks I420 pictures to fit a rendition's box, keeping the aspect ratio and never scaling up. Bilinear sampling in
 * 16.16 fixed point. One per rendition, used on its encoding thread only: the output buffer is reused for every
 * picture, which is safe because the encoder copies the picture before the next one is scaled and nobody else sees
 * it.
 */
final class PictureScaler {
    private final int maxWidth;
    private final int maxHeight;
    private byte[] out = new byte[0];

    PictureScaler(int maxWidth, int maxHeight) {
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
    }

    /** The size {@code width x height} is shrunk to: within the box, same aspect, even numbers (I420). */
    static int[] fit(int width, int height, int maxWidth, int maxHeight) {
        if (width <= maxWidth && height <= maxHeight) {
            return new int[] {width, height};
        }
        double scale = Math.min((double) maxWidth / width, (double) maxHeight / height);
        int w = Math.max(2, (int) Math.round(width * scale) & ~1);
        int h = Math.max(2, (int) Math.round(height * scale) & ~1);
        return new int[] {w, h};
    }

    /** The picture itself when it fits, else a shrunk copy (valid until the next call). */
    RawVideoFrame scale(RawVideoFrame in) {
        int[] size = fit(in.width(), in.height(), maxWidth, maxHeight);
        int w = size[0];
        int h = size[1];
        if (w == in.width() && h == in.height()) {
            return in;
        }
        int need = RawVideoFrame.i420Size(w, h);
        if (out.length != need) {
            out = new byte[need];
        }
        byte[] src = in.data();
        resample(src, 0, in.width(), in.width(), in.height(), out, 0, w, w, h);
        int cw = (w + 1) / 2;
        int ch = (h + 1) / 2;
        int scw = in.chromaStride();
        int sch = (in.height() + 1) / 2;
        resample(src, in.uOffset(), scw, scw, sch, out, w * h, cw, cw, ch);
        resample(src, in.vOffset(), scw, scw, sch, out, w * h + cw * ch, cw, cw, ch);
        return new RawVideoFrame(w, h, out, in.ptsMicros(), in.captureTimeMillis(), in.frameRate());
    }

    private static void resample(byte[] src, int srcOffset, int srcStride, int sw, int sh, byte[] dst, int dstOffset,
            int dstStride, int dw, int dh) {
        long xStep = ((long) sw << 16) / dw;
        long yStep = ((long) sh << 16) / dh;
        long sy = yStep / 2 - 0x8000;
        for (int y = 0; y < dh; y++, sy += yStep) {
            long cy = Math.max(0, sy);
            int y0 = (int) (cy >> 16);
            int y1 = Math.min(sh - 1, y0 + 1);
            int fy = (int) (cy & 0xffff);
            int row0 = srcOffset + y0 * srcStride;
            int row1 = srcOffset + y1 * srcStride;
            int d = dstOffset + y * dstStride;
            long sx = xStep / 2 - 0x8000;
            for (int x = 0; x < dw; x++, sx += xStep) {
                long cx = Math.max(0, sx);
                int x0 = (int) (cx >> 16);
                int x1 = Math.min(sw - 1, x0 + 1);
                int fx = (int) (cx & 0xffff);
                int top = (src[row0 + x0] & 0xff) * (0x10000 - fx) + (src[row0 + x1] & 0xff) * fx;
                int bottom = (src[row1 + x0] & 0xff) * (0x10000 - fx) + (src[row1 + x1] & 0xff) * fx;
                long v = ((long) top * (0x10000 - fy) + (long) bottom * fy + (1L << 31)) >>> 32;
                dst[d + x] = (byte) v;
            }
        }
    }
}
