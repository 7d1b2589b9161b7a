package io.sightline.source.testpattern.internal;

import io.sightline.api.media.RawVideoFrame;
import io.sightline.source.testpattern.timecode.TimecodeFormat;
import io.sightline.source.testpattern.timecode.TimecodeWriter;

/**
 * Paints the test pattern: the timecode strip on top, 75% colour bars with a bouncing checkered box and a sweeping
 * line (visible motion, and edges that give the encoder real work), and a dark band with the stream name, a UTC clock
 * and the frame counter drawn large.
 *
 * <p>Everything that never changes (bars, band, name) is painted once into a background picture; a frame is a copy
 * of it plus the moving parts, so a 720p frame costs well under a millisecond. Each frame gets a new buffer because
 * {@link RawVideoFrame} data is shared with subscribers and must never change after it is pushed (see
 * {@link TestPatternSource}). Not thread-safe: one renderer per pacing thread.
 */
final class PatternRenderer {
    /** 75% bars, left to right: white, yellow, cyan, green, magenta, red, blue. */
    private static final YuvColor[] BARS = {
        YuvColor.fromRgb(191, 191, 191), YuvColor.fromRgb(191, 191, 0), YuvColor.fromRgb(0, 191, 191),
        YuvColor.fromRgb(0, 191, 0), YuvColor.fromRgb(191, 0, 191), YuvColor.fromRgb(191, 0, 0),
        YuvColor.fromRgb(0, 0, 191),
    };
    private static final YuvColor BAND = YuvColor.grey(40);
    private static final YuvColor BLACK = YuvColor.grey(TimecodeFormat.BLACK);
    private static final YuvColor WHITE = YuvColor.grey(TimecodeFormat.WHITE);
    private static final int TEXT_LUMA = 235;
    private static final int BOX_PERIOD_SECONDS = 4;

    private final int width;
    private final int height;
    private final int fps;
    private final byte[] background;
    private final I420Canvas canvas;
    private final int barsTop;
    private final int barsBottom;
    private final int scale;
    private final int clockScale;
    private final int clockY;
    private final int counterY;
    private final int boxSize;
    private final StringBuilder line = new StringBuilder(32);

    PatternRenderer(int width, int height, int fps, String streamName) {
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.canvas = new I420Canvas(width, height);
        this.barsTop = even(TimecodeFormat.stripRows(height) + 1);
        this.barsBottom = Math.max(barsTop, even(height * 3 / 5));
        this.scale = Math.max(1, height / 90);
        this.clockScale = Math.max(1, scale * 3 / 2);
        int nameY = barsBottom + 2 * scale;
        this.clockY = nameY + (BitmapFont.HEIGHT + 2) * scale;
        this.counterY = clockY + BitmapFont.HEIGHT * clockScale + 2 * scale;
        this.boxSize = Math.max(2, even((barsBottom - barsTop) / 2));
        this.background = new byte[RawVideoFrame.i420Size(width, height)];
        paintBackground(streamName, nameY);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Paints frame {@code frameNumber} captured at {@code captureMillis} into a new I420 buffer. */
    byte[] render(long frameNumber, long captureMillis) {
        byte[] picture = background.clone();
        canvas.target(picture);
        paintMotion(frameNumber);
        paintClock(captureMillis);
        paintCounter(frameNumber);
        // Chroma under the strip is already neutral in the background.
        TimecodeWriter.writeLuma(picture, 0, width, height, width, captureMillis);
        return picture;
    }

    private void paintBackground(String streamName, int nameY) {
        canvas.target(background);
        canvas.fill(0, 0, width, height, BAND);
        canvas.fill(0, 0, width, barsTop, BLACK);
        for (int i = 0; i < BARS.length; i++) {
            int left = even(i * width / BARS.length);
            int right = even((i + 1) * width / BARS.length);
            canvas.fill(left, barsTop, (i == BARS.length - 1 ? width : right) - left, barsBottom - barsTop, BARS[i]);
        }
        BitmapFont.draw(canvas, streamName, streamName.length(), 2 * scale, nameY, scale, TEXT_LUMA);
    }

    private void paintMotion(long frameNumber) {
        // A box bouncing across the bars, BOX_PERIOD_SECONDS there and back.
        long period = (long) BOX_PERIOD_SECONDS * fps;
        long phase = frameNumber % period;
        long half = period / 2;
        long travel = Math.max(0, width - boxSize);
        long pos = phase < half ? phase * travel / half : (period - phase) * travel / (period - half);
        int boxX = even((int) pos);
        int boxY = even(barsTop + (barsBottom - barsTop - boxSize) / 2);
        canvas.fill(boxX, boxY, boxSize, boxSize, BLACK);
        int square = Math.max(1, boxSize / 8);
        for (int row = 0; row * square < boxSize; row++) {
            for (int col = (row & 1); col * square < boxSize; col += 2) {
                canvas.fillLuma(boxX + col * square, boxY + row * square, Math.min(square, boxSize - col * square),
                        Math.min(square, boxSize - row * square), TimecodeFormat.WHITE);
            }
        }
        // A line sweeping the bars once a second.
        int sweepX = even((int) ((frameNumber % fps) * width / fps));
        canvas.fill(sweepX, barsTop, Math.max(2, even(scale)), barsBottom - barsTop, WHITE);
    }

    private void paintClock(long captureMillis) {
        long ms = Math.floorMod(captureMillis, 86_400_000L);
        line.setLength(0);
        twoDigits(ms / 3_600_000L).append(':');
        twoDigits(ms / 60_000L % 60).append(':');
        twoDigits(ms / 1000 % 60).append('.');
        long milli = ms % 1000;
        line.append((char) ('0' + milli / 100)).append((char) ('0' + milli / 10 % 10)).append((char) ('0' + milli % 10));
        line.append(" UTC");
        BitmapFont.draw(canvas, line, line.length(), 2 * scale, clockY, clockScale, TEXT_LUMA);
    }

    private void paintCounter(long frameNumber) {
        line.setLength(0);
        line.append("FRAME ").append(frameNumber);
        BitmapFont.draw(canvas, line, line.length(), 2 * scale, counterY, scale, TEXT_LUMA);
    }

    private StringBuilder twoDigits(long value) {
        return line.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static int even(int value) {
        return value & ~1;
    }
}
