package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_RAWVIDEO;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.Track;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a video track browsers cannot take as it is (H.265, MJPEG, raw, H.264 with B-frames) through an installed
 * {@link VideoDecoderFactory} (codec-ffmpeg's, the same the core uses for P2P viewers) into pictures that the stream
 * then encodes with its own codec. Turns the demuxer's packets into the API's units (NAL units for H.264/H.265, the
 * packet for the others), starts the decoder at a keyframe and resumes at one after corrupt input. Pictures leave in
 * display order on the stream's increasing clock and carry the input's frame rate. Not thread-safe; owned by the
 * source's reading thread.
 */
final class DecodedVideo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecodedVideo.class);

    private final String streamName;
    private final Codec codec;
    private final VideoDecoder decoder;
    private final NalFraming framing;
    private final AVRational timeBase;
    private final MediaClock clock;
    private final long stepMicros;
    /** The input's nominal rate, carried by every picture so the stream encodes at it (0: unknown). */
    private final double fps;
    private boolean atKeyframe;
    private long lastInputMicros;
    private long errors;

    private DecodedVideo(String streamName, Codec codec, VideoDecoder decoder, NalFraming framing, AVRational timeBase,
            double fps, MediaClock.Origin origin) {
        this.streamName = streamName;
        this.codec = codec;
        this.decoder = decoder;
        this.framing = framing;
        this.timeBase = new AVRational().num(timeBase.num()).den(timeBase.den());
        this.fps = fps; // SourceReader.frameRate: already 0 when the input has none
        this.stepMicros = fps > 0 ? (long) (1_000_000 / fps) : 33_333;
        this.clock = new MediaClock(stepMicros, origin);
    }

    /**
     * Opens a decoder for the stream's video track.
     *
     * @throws IOException when no installed decoder plugin decodes its codec, or the plugin refuses the track
     */
    static DecodedVideo open(String streamName, AVStream stream, double fps, MediaClock.Origin origin,
            InstalledDecoders decoders) throws IOException {
        AVCodecParameters p = stream.codecpar();
        CodecParameters parameters = parameters(p);
        if (parameters == null) {
            throw new IOException("video codec " + codecName(p) + " has no decoder plugin interface (supported: H.264, "
                    + "H.265, VP8, VP9, AV1, MJPEG, raw)");
        }
        VideoDecoderFactory factory = decoders.find(parameters.codec());
        if (factory == null) {
            throw new IOException("no " + InstalledDecoders.key(parameters.codec())
                    + " decoder is installed (feature sightline-codec-ffmpeg)");
        }
        VideoDecoder decoder;
        try {
            decoder = factory.create(parameters);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot decode " + parameters + ": " + e.getMessage(), e);
        }
        ByteBuffer extradata = extradata(p);
        NalFraming framing = parameters.codec() == Codec.H264 ? NalFraming.h264(extradata)
                : parameters.codec() == Codec.H265 ? NalFraming.h265(extradata) : null;
        return new DecodedVideo(streamName, parameters.codec(), decoder, framing, stream.time_base(), fps, origin);
    }

    /** The API's codec and parameters for an FFmpeg video stream; null when the API names no such codec. */
    static CodecParameters parameters(AVCodecParameters p) {
        int id = p.codec_id();
        if (id == AV_CODEC_ID_H264) {
            return CodecParameters.of(Codec.H264, 1, java.util.Map.of());
        } else if (id == AV_CODEC_ID_HEVC) {
            return CodecParameters.of(Codec.H265, 1, java.util.Map.of());
        } else if (id == AV_CODEC_ID_VP8) {
            return CodecParameters.vp8();
        } else if (id == AV_CODEC_ID_VP9) {
            return CodecParameters.of(Codec.VP9, 1, java.util.Map.of());
        } else if (id == AV_CODEC_ID_AV1) {
            return CodecParameters.of(Codec.AV1, 1, java.util.Map.of());
        } else if (id == AV_CODEC_ID_MJPEG) {
            return CodecParameters.of(Codec.MJPEG, 1, java.util.Map.of());
        } else if (id == AV_CODEC_ID_RAWVIDEO) {
            BytePointer name = av_get_pix_fmt_name(p.format());
            if (name == null || p.width() <= 0 || p.height() <= 0) {
                return null;
            }
            return CodecParameters.raw(p.width(), p.height(), name.getString());
        }
        return null;
    }

    /** Re-bases the picture clock (the input was rewound). */
    void rebase() {
        clock.rebase();
    }

    /** Decodes one packet and hands every picture it completes to {@code out}; damaged input resumes at a keyframe. */
    void decode(AVPacket packet, long captureMillis, Consumer<RawVideoFrame> out) {
        // Every JPEG or raw picture stands alone, and some demuxers (multipart MJPEG over HTTP) do not flag them.
        boolean key = (packet.flags() & AV_PKT_FLAG_KEY) != 0 || codec == Codec.MJPEG || codec == Codec.RAW;
        if (!atKeyframe && !key) {
            return; // a decoder starts, and restarts after an error, at a keyframe
        }
        ByteBuffer payload = packet.data().capacity(packet.size()).asByteBuffer();
        List<ByteBuffer> parts = framing != null ? framing.units(payload, key) : List.of(payload);
        if (parts.isEmpty()) {
            return;
        }
        atKeyframe = true;
        long ts = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
        long micros = ts == AV_NOPTS_VALUE ? lastInputMicros + stepMicros
                : ts * 1_000_000L * timeBase.num() / timeBase.den();
        lastInputMicros = micros;
        // The packet's bytes are native memory freed after this call: the decoder copies them before returning.
        EncodedUnit unit = new EncodedUnit(Track.VIDEO, codec, micros, captureMillis, key, parts);
        try {
            decoder.decode(unit, picture -> out.accept(new RawVideoFrame(picture.width(), picture.height(),
                    picture.data(), clock.next(picture.ptsMicros()), captureMillis, fps)));
        } catch (IllegalArgumentException e) {
            atKeyframe = false;
            if (++errors == 1 || errors % 100 == 0) {
                LOG.warn("Stream '{}': video decode error #{} ({}); resuming at the next keyframe", streamName, errors,
                        e.getMessage());
            }
        }
    }

    private static String codecName(AVCodecParameters p) {
        BytePointer name = avcodec_get_name(p.codec_id());
        return name == null ? "#" + p.codec_id() : name.getString();
    }

    private static ByteBuffer extradata(AVCodecParameters p) {
        int size = p.extradata_size();
        if (size <= 0 || p.extradata() == null || p.extradata().isNull()) {
            return ByteBuffer.allocate(0);
        }
        byte[] copy = new byte[size];
        p.extradata().get(copy);
        return ByteBuffer.wrap(copy);
    }

    @Override
    public void close() {
        decoder.close();
        timeBase.close();
    }
}
