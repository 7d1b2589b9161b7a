package io.sightline.codec.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PROFILE_H264_CONSTRAINED_BASELINE;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * H.264 Constrained Baseline from OpenH264 (the H.264 encoder of FFmpeg's LGPL build), shaped for RTP: one NAL unit
 * per part, no start codes, no AUDs, SPS and PPS in front of every IDR.
 *
 * <p>The encoder runs with a global header, so SPS and PPS exist as soon as it is open: {@link #parameters()} reads the
 * profile-level-id from that SPS before the first frame (signalling usually comes first), and keyframes get the same
 * two NAL units prepended. OpenH264 picks the level itself from size, frame rate and bitrate (320x240@30: 42c00d,
 * 1280x720@30: 42c01f). It sets constraint_set0 and constraint_set1, so the profile-level-id is {@code 42c0xx}: like
 * {@code 42e0xx} that is Constrained Baseline (RFC 6184 table 5 keys on profile_idc 66 with constraint_set1), and
 * SDP negotiation must compare profiles that way, not as strings. (OpenH264 logs that it "doesn't support profile(578)"
 * for FFmpeg's constrained-baseline constant and falls back to Baseline; harmless.)
 *
 * <p>Rate control is OpenH264's bitrate mode with frame skipping off, so every frame yields a unit; OpenH264 warns
 * that it then cannot guarantee the bitrate (measured at 720p: 2.25 Mbit/s for a 2.5 Mbit/s target).
 */
final class H264VideoEncoder implements VideoEncoder {
    static final String ENCODER = "libopenh264";

    private final AvVideoEncoder encoder;
    private final ByteBuffer sps;
    private final ByteBuffer pps;
    private final CodecParameters parameters;
    private EncodedUnit produced;

    private H264VideoEncoder(AvVideoEncoder encoder, ByteBuffer sps, ByteBuffer pps) {
        this.encoder = encoder;
        this.sps = sps;
        this.pps = pps;
        byte[] spsBytes = new byte[sps.remaining()];
        sps.duplicate().get(spsBytes);
        this.parameters = CodecParameters.h264FromSps(spsBytes);
    }

    /** Opens an OpenH264 encoder for {@code settings}. */
    static H264VideoEncoder open(EncoderSettings settings) {
        if (settings.codec() != Codec.H264) {
            throw new IllegalArgumentException("not an H.264 setting: " + settings);
        }
        AvVideoEncoder encoder = AvVideoEncoder.open(ENCODER, settings, ctx -> {
            ctx.profile(AV_PROFILE_H264_CONSTRAINED_BASELINE);
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }, Map.of("rc_mode", "bitrate", "allow_skip_frames", "0"));
        ByteBuffer sps = null;
        ByteBuffer pps = null;
        for (ByteBuffer nal : NalUnits.splitAnnexB(encoder.extradata())) {
            int type = NalUnits.type(nal);
            if (type == NalUnits.SPS && sps == null) {
                sps = nal;
            } else if (type == NalUnits.PPS && pps == null) {
                pps = nal;
            }
        }
        if (sps == null || pps == null) {
            encoder.close();
            throw new IllegalStateException(ENCODER + " gave no SPS/PPS in its global header");
        }
        return new H264VideoEncoder(encoder, sps, pps);
    }

    @Override
    public CodecParameters parameters() {
        return parameters;
    }

    @Override
    public EncodedUnit encode(RawVideoFrame frame, boolean forceKeyframe, int trackId) {
        produced = null;
        encoder.encode(frame, forceKeyframe, (data, keyFlag) -> produced = toUnit(data, frame, trackId));
        return produced;
    }

    private EncodedUnit toUnit(ByteBuffer annexB, RawVideoFrame frame, int trackId) {
        List<ByteBuffer> nals = NalUnits.splitAnnexB(annexB);
        // RTP carries the access unit boundary in the marker bit: a delimiter would only cost a packet.
        nals.removeIf(nal -> NalUnits.type(nal) == NalUnits.AUD);
        boolean idr = false;
        boolean hasParameterSets = false;
        for (ByteBuffer nal : nals) {
            int type = NalUnits.type(nal);
            idr |= type == NalUnits.IDR;
            hasParameterSets |= type == NalUnits.SPS;
        }
        List<ByteBuffer> parts = nals;
        if (idr && !hasParameterSets) {
            parts = new ArrayList<>(nals.size() + 2);
            parts.add(sps); // shared: units hand out read-only views, nobody writes these
            parts.add(pps);
            parts.addAll(nals);
        }
        return new EncodedUnit(trackId, Codec.H264, frame.ptsMicros(), frame.captureTimeMillis(), idr, parts);
    }

    @Override
    public void close() {
        encoder.close();
    }
}
