package io.sightline.codec.ffmpeg.internal;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import java.util.List;
import java.util.Map;

/**
 * VP8 from libvpx, configured like a WebRTC sender: realtime deadline at the fastest speed, no lag (so no alt-ref
 * frames and one packet per frame), error-resilient mode, CBR over a one second buffer.
 */
final class Vp8VideoEncoder implements VideoEncoder {
    static final String ENCODER = "libvpx";

    private final AvVideoEncoder encoder;
    private EncodedUnit produced;

    private Vp8VideoEncoder(AvVideoEncoder encoder) {
        this.encoder = encoder;
    }

    /** Opens a libvpx VP8 encoder for {@code settings}. */
    static Vp8VideoEncoder open(EncoderSettings settings) {
        if (settings.codec() != Codec.VP8) {
            throw new IllegalArgumentException("not a VP8 setting: " + settings);
        }
        long bitrate = settings.bitrateKbps() * 1000L;
        AvVideoEncoder encoder = AvVideoEncoder.open(ENCODER, settings, ctx -> {
            // min == max == target selects libvpx's CBR mode.
            ctx.rc_min_rate(bitrate);
            ctx.rc_max_rate(bitrate);
            ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, bitrate));
            ctx.qmin(4);
            ctx.qmax(56); // WebRTC's ceiling: above it VP8 artefacts outweigh the bits saved
        }, Map.of("deadline", "realtime", "cpu-used", "8", "lag-in-frames", "0", "auto-alt-ref", "0",
                "error-resilient", "default"));
        return new Vp8VideoEncoder(encoder);
    }

    @Override
    public CodecParameters parameters() {
        return CodecParameters.vp8();
    }

    @Override
    public EncodedUnit encode(RawVideoFrame frame, boolean forceKeyframe, int trackId) {
        produced = null;
        encoder.encode(frame, forceKeyframe, (data, keyframe) -> produced = new EncodedUnit(trackId, Codec.VP8,
                frame.ptsMicros(), frame.captureTimeMillis(), keyframe, List.of(AvVideoEncoder.copy(data))));
        return produced;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
