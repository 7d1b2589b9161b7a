package io.sightline.api.media;

import java.util.Objects;

/**
 * One uncompressed picture in I420 (YUV 4:2:0 planar) layout, for sources that produce pictures (a test pattern, a
 * capture device, a decoded feed) and for transports that encode per viewer.
 *
 * <p>The planes are packed one after another in {@link #data()} without padding: Y ({@code width * height} bytes),
 * then U and V ({@code ((width + 1) / 2) * ((height + 1) / 2)} bytes each). Frames are shared between consumers and
 * must not be modified after they are handed to a {@link io.sightline.api.source.MediaSink}.
 */
public final class RawVideoFrame {
    private final int width;
    private final int height;
    private final byte[] data;
    private final long ptsMicros;
    private final long captureTimeMillis;
    private final double frameRate;

    /**
     * A picture whose source does not know its nominal rate ({@link #frameRate()} 0).
     *
     * @param width             picture width in pixels
     * @param height            picture height in pixels
     * @param data              the I420 planes, at least {@link #i420Size(int, int)} bytes
     * @param ptsMicros         presentation time on the source's monotonic media clock, in microseconds
     * @param captureTimeMillis wall-clock capture time in epoch milliseconds
     */
    public RawVideoFrame(int width, int height, byte[] data, long ptsMicros, long captureTimeMillis) {
        this(width, height, data, ptsMicros, captureTimeMillis, 0);
    }

    /**
     * A picture of a source with a nominal rate. The stream sets its encoder's rate from it, so a 25 fps camera is
     * encoded as 25 fps (rate control spends the bitrate per picture).
     *
     * @param width             picture width in pixels
     * @param height            picture height in pixels
     * @param data              the I420 planes, at least {@link #i420Size(int, int)} bytes
     * @param ptsMicros         presentation time on the source's monotonic media clock, in microseconds
     * @param captureTimeMillis wall-clock capture time in epoch milliseconds
     * @param frameRate         the source's nominal pictures per second; 0 when unknown
     * @since 1.2.0
     */
    public RawVideoFrame(int width, int height, byte[] data, long ptsMicros, long captureTimeMillis,
            double frameRate) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bad frame size " + width + "x" + height);
        }
        Objects.requireNonNull(data, "data");
        if (data.length < i420Size(width, height)) {
            throw new IllegalArgumentException("I420 buffer too small: " + data.length);
        }
        this.width = width;
        this.height = height;
        this.data = data;
        this.ptsMicros = ptsMicros;
        this.captureTimeMillis = captureTimeMillis;
        if (!(frameRate >= 0) || Double.isInfinite(frameRate)) {
            throw new IllegalArgumentException("bad frame rate " + frameRate);
        }
        this.frameRate = frameRate;
    }

    /** Bytes needed for an I420 picture of this size. */
    public static int i420Size(int width, int height) {
        int chroma = ((width + 1) / 2) * ((height + 1) / 2);
        return width * height + 2 * chroma;
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** The packed I420 planes (not copied: do not modify). */
    public byte[] data() {
        return data;
    }

    /** Offset of the U plane in {@link #data()}. */
    public int uOffset() {
        return width * height;
    }

    /** Offset of the V plane in {@link #data()}. */
    public int vOffset() {
        return width * height + ((width + 1) / 2) * ((height + 1) / 2);
    }

    /** Row stride of the chroma planes. */
    public int chromaStride() {
        return (width + 1) / 2;
    }

    /** Presentation time in microseconds. */
    public long ptsMicros() {
        return ptsMicros;
    }

    /** Wall-clock capture time in epoch milliseconds. */
    public long captureTimeMillis() {
        return captureTimeMillis;
    }

    /**
     * The source's nominal pictures per second, 0 when it does not know (then the stream assumes 30).
     *
     * @since 1.2.0
     */
    public double frameRate() {
        return frameRate;
    }
}
