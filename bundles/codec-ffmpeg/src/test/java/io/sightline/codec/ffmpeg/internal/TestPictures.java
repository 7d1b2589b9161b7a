package io.sightline.codec.ffmpeg.internal;

import io.sightline.api.media.RawVideoFrame;

/** Synthetic I420 pictures: a diagonal luma gradient moving a few pixels per frame over slowly changing chroma. */
final class TestPictures {
    private TestPictures() {
    }

    static RawVideoFrame frame(int width, int height, int index, int fps) {
        byte[] data = new byte[RawVideoFrame.i420Size(width, height)];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                data[y * width + x] = (byte) ((x + y + 4 * index) & 0xff);
            }
        }
        int cw = (width + 1) / 2;
        int ch = (height + 1) / 2;
        int u = width * height;
        int v = u + cw * ch;
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                data[u + y * cw + x] = (byte) (96 + (x * 64 / cw) + index);
                data[v + y * cw + x] = (byte) (160 - (y * 64 / ch));
            }
        }
        long pts = index * 1_000_000L / fps;
        return new RawVideoFrame(width, height, data, pts, 1_700_000_000_000L + pts / 1000);
    }
}
