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
    private final VideoEncoderFactory factory;
    private final StreamSettings settings;
    private VideoEncoder encoder;
    private int width;
    private int height;
    private boolean closed;

    PictureEncoder(VideoEncoderFactory factory, StreamSettings settings) {
        this.factory = factory;
        this.settings = settings;
    }

    /** Encodes a frame; returns {@code null} if the encoder dropped it. {@code newTrack} receives a changed track. */
    synchronized EncodedUnit encode(RawVideoFrame frame, boolean keyframe, java.util.function.Consumer<Track> newTrack) {
        if (closed) {
            return null;
        }
        if (encoder == null || frame.width() != width || frame.height() != height) {
            closeEncoder();
            width = frame.width();
            height = frame.height();
            int fps = fpsSetting();
            encoder = factory.create(new EncoderSettings(codec(), width, height, fps, settings.bitrateKbps(),
                    Math.max(1, settings.gopFrames())));
            newTrack.accept(Track.video(encoder.parameters(), width, height, fps));
            keyframe = true;
        }
        return encoder.encode(frame, keyframe, Track.VIDEO);
    }

    private int fpsSetting() {
        Object fps = settings.properties().get("source.fps");
        try {
            return fps == null ? 30 : Integer.parseInt(fps.toString().trim());
        } catch (NumberFormatException e) {
            return 30;
        }
    }

    private Codec codec() {
        return settings.videoCodec().equals("vp8") ? Codec.VP8 : Codec.H264;
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
