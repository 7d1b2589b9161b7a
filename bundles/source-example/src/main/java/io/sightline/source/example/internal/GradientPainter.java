package io.sightline.source.example.internal;

import io.sightline.api.media.RawVideoFrame;
import java.util.Arrays;

/**
 * Paints I420 pictures: a fixed colour gradient with a white vertical bar that crosses the picture in two seconds.
 * The gradient is computed once; each picture is a copy of it with the bar drawn in.
 */
final class GradientPainter {
    static final int BAR_LUMA = 235;
    private static final int NEUTRAL_CHROMA = 128;

    private final int width;
    private final int height;
    private final int barWidth;
    private final int pixelsPerFrame;
    private final byte[] background;

    GradientPainter(int width, int height, int fps) {
        this.width = width;
        this.height = height;
        this.barWidth = Math.max(2, width / 16);
        this.pixelsPerFrame = Math.max(1, width / (2 * fps));
        this.background = paintBackground(width, height);
    }

    /** Left edge of the bar in picture {@code frameIndex}. */
    int barX(long frameIndex) {
        return (int) (frameIndex * pixelsPerFrame % width);
    }

    int barWidth() {
        return barWidth;
    }

    /**
     * A new buffer for every picture: the stream shares pictures with its subscribers, which may still read one after
     * the next is painted, so buffers are never reused.
     */
    byte[] paint(long frameIndex) {
        byte[] picture = background.clone();
        int x0 = barX(frameIndex);
        int x1 = Math.min(width, x0 + barWidth);
        for (int y = 0; y < height; y++) {
            Arrays.fill(picture, y * width + x0, y * width + x1, (byte) BAR_LUMA);
        }
        int chromaWidth = (width + 1) / 2;
        int uOffset = width * height;
        int vOffset = uOffset + chromaWidth * ((height + 1) / 2);
        for (int y = 0; y < (height + 1) / 2; y++) {
            int row = y * chromaWidth;
            Arrays.fill(picture, uOffset + row + x0 / 2, uOffset + row + (x1 + 1) / 2, (byte) NEUTRAL_CHROMA);
            Arrays.fill(picture, vOffset + row + x0 / 2, vOffset + row + (x1 + 1) / 2, (byte) NEUTRAL_CHROMA);
        }
        return picture;
    }

    /** Luma rises left to right (dark to light); blue-difference rises top to bottom, red-difference falls. */
    private static byte[] paintBackground(int width, int height) {
        byte[] picture = new byte[RawVideoFrame.i420Size(width, height)];
        for (int x = 0; x < width; x++) {
            picture[x] = (byte) (16 + 200 * x / Math.max(1, width - 1));
        }
        for (int y = 1; y < height; y++) {
            System.arraycopy(picture, 0, picture, y * width, width);
        }
        int chromaWidth = (width + 1) / 2;
        int chromaHeight = (height + 1) / 2;
        int uOffset = width * height;
        int vOffset = uOffset + chromaWidth * chromaHeight;
        for (int y = 0; y < chromaHeight; y++) {
            int shade = 64 + 128 * y / Math.max(1, chromaHeight - 1);
            Arrays.fill(picture, uOffset + y * chromaWidth, uOffset + (y + 1) * chromaWidth, (byte) shade);
            Arrays.fill(picture, vOffset + y * chromaWidth, vOffset + (y + 1) * chromaWidth,
                    (byte) (256 - shade));
        }
        return picture;
    }
}
