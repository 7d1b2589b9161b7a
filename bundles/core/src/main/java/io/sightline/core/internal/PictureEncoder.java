package io.sightline.core.internal;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.Track;

/**
 * Encodes a stream's raw pictures for its video track. Created lazily on the first picture that someone wants
 * encoded, re-created when the picture size changes. Encode runs on the source's thread; close may come from the
 * supervisor, hence the (uncontended) monitor.
 */
final class PictureEncoder {
    static final int DEFAULT_FPS = 30;
    private final VideoEncoderFactory factory;
    private final Codec codec;
    private final int bitrateKbps;
    private final int gopFrames;
    /** At most this many pictures per second (the floor rung), 0: the source's rate. */
    private final int maxFps;
    private VideoEncoder encoder;
    private int width;
    private int height;
    private int fps;
    private boolean closed;

    PictureEncoder(VideoEncoderFactory factory, StreamSettings settings) {
        this(factory, settings.videoCodec().equals("vp8") ? Codec.VP8 : Codec.H264, settings.bitrateKbps(),
                settings.gopFrames());
    }

    /** An encoder for a rendition: its own codec and bitrate. */
    PictureEncoder(VideoEncoderFactory factory, Codec codec, int bitrateKbps, int gopFrames) {
        this(factory, codec, bitrateKbps, gopFrames, 0);
    }

    /**
     * An encoder that is given at most {@code maxFps} pictures per second (the caller drops the others): the rate
     * control spends the bitrate on those, and the keyframe interval stays as long in time as the stream's.
     */
    PictureEncoder(VideoEncoderFactory factory, Codec codec, int bitrateKbps, int gopFrames, int maxFps) {
        this.maxFps = maxFps;
        this.factory = factory;
        this.codec = codec;
        this.bitrateKbps = bitrateKbps;
        this.gopFrames = Math.max(1, gopFrames);
    }

    /** Encodes a frame; returns {@code null} if the encoder dropped it. {@code newTrack} receives a changed track. */
    synchronized EncodedUnit encode(RawVideoFrame frame, boolean keyframe, java.util.function.Consumer<Track> newTrack) {
        if (closed) {
            return null;
        }
        int sourceFps = encoderFps(frame);
        int frameFps = maxFps > 0 ? Math.min(maxFps, sourceFps) : sourceFps;
        if (encoder == null || frame.width() != width || frame.height() != height || frameFps != fps) {
            closeEncoder();
            width = frame.width();
            height = frame.height();
            fps = frameFps;
            encoder = factory.create(new EncoderSettings(codec, width, height, fps, bitrateKbps,
                    Math.max(1, (int) ((long) gopFrames * fps / sourceFps))));
            newTrack.accept(Track.video(encoder.parameters(), width, height, fps));
            keyframe = true;
        }
        return encoder.encode(frame, keyframe, Track.VIDEO);
    }

    /**
     * The rate the source announces with its pictures (a transcoded 25 fps camera: 25), not a configuration key:
     * {@code source.fps} belongs to the capture plugins and is absent for most of them. 30 when the source does not
     * know.
     */
    static int encoderFps(RawVideoFrame frame) {
        double rate = frame.frameRate();
        return rate > 0 ? Math.max(1, (int) Math.round(rate)) : DEFAULT_FPS;
    }

    private void closeEncoder() {
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }

    synchronized void close() {
        closed = true;
        closeEncoder();
    }
}
