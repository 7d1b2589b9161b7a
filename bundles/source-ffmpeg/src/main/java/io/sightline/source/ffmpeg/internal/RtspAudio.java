package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PCM_ALAW;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PCM_MULAW;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import io.sightline.rtp.sdp.RtpFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/**
 * The audio track of a native RTSP session: Opus is passed through as it is; G.711 (PCMU, PCMA) and AAC
 * (MPEG4-GENERIC, RFC 3640 AAC-hbr/lbr) are depacketized here and transcoded to Opus by the same
 * {@link OpusTranscoder} the FFmpeg path uses. Not thread-safe; owned by the reader thread.
 */
final class RtspAudio implements AutoCloseable {
    private final Codec passthrough;
    private final OpusTranscoder transcoder;
    private final Track track;
    private final int sizeLength;
    private final int indexLength;
    private final int indexDeltaLength;
    private final AVPacket packet;
    private final boolean aac;

    private RtspAudio(Codec passthrough, OpusTranscoder transcoder, Track track, RtpFormat format) {
        this.passthrough = passthrough;
        this.transcoder = transcoder;
        this.track = track;
        this.sizeLength = intFmtp(format, "sizelength", 13);
        this.indexLength = intFmtp(format, "indexlength", 3);
        this.indexDeltaLength = intFmtp(format, "indexdeltalength", 3);
        this.packet = transcoder == null ? null : av_packet_alloc();
        this.aac = encoding(format).equals("mpeg4-generic");
    }

    /** Whether this class can take the format. */
    static boolean supports(RtpFormat f) {
        String name = encoding(f);
        return name.equals("opus") || name.equals("pcmu") || name.equals("pcma")
                || (name.equals("mpeg4-generic") && f.fmtp("config") != null
                        && String.valueOf(f.fmtp("mode")).toLowerCase(Locale.ROOT).startsWith("aac-"));
    }

    static RtspAudio open(RtpFormat f, MediaClock.Origin origin) throws IOException {
        String name = encoding(f);
        int rate = f.clockRate() > 0 ? f.clockRate() : 8000;
        if (name.equals("opus")) {
            boolean stereo = "1".equals(f.fmtp("sprop-stereo")) || "1".equals(f.fmtp("stereo"));
            return new RtspAudio(Codec.OPUS, null, Track.audio(CodecParameters.opus(stereo)), f);
        }
        AVCodecParameters p = avcodec_parameters_alloc();
        try {
            p.codec_type(AVMEDIA_TYPE_AUDIO);
            p.sample_rate(rate);
            av_channel_layout_default(p.ch_layout(), Math.max(1, f.channels()));
            switch (name) {
                case "pcmu" -> p.codec_id(AV_CODEC_ID_PCM_MULAW);
                case "pcma" -> p.codec_id(AV_CODEC_ID_PCM_ALAW);
                default -> {
                    p.codec_id(AV_CODEC_ID_AAC);
                    byte[] config = HexFormat.of().parseHex(f.fmtp("config").trim());
                    BytePointer extra = new BytePointer(av_mallocz(config.length + 64)).capacity(config.length + 64);
                    extra.put(config);
                    p.extradata(extra);
                    p.extradata_size(config.length);
                }
            }
            OpusTranscoder t = OpusTranscoder.open(p, new AVRational().num(1).den(rate), origin);
            return new RtspAudio(null, t, t.track(), f);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad audio fmtp: " + e.getMessage());
        } finally {
            avcodec_parameters_free(p);
        }
    }

    Track track() {
        return track;
    }

    /**
     * One RTP payload of the track.
     *
     * @param micros       the payload's media time on the input's shared clock
     * @param rtpTimestamp the payload's unwrapped RTP timestamp (for the transcoder's own timing)
     */
    void packet(ByteBuffer payload, long micros, long rtpTimestamp, long captureMillis, long arrivalNanos,
            Consumer<EncodedUnit> out) throws IOException {
        if (passthrough != null) {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            out.accept(new EncodedUnit(Track.AUDIO, passthrough, micros, captureMillis, true,
                    List.of(ByteBuffer.wrap(b)), arrivalNanos));
            return;
        }
        if (aac) {
            readAacUnits(payload, rtpTimestamp, captureMillis, out);
        } else {
            transcode(payload, rtpTimestamp, captureMillis, out);
        }
    }

    /** RFC 3640 section 3.2: AU-headers-length, AU headers (size and index), then the access units. */
    private void readAacUnits(ByteBuffer p, long rtpTimestamp, long captureMillis, Consumer<EncodedUnit> out)
            throws IOException {
        if (p.remaining() < 2) {
            return;
        }
        int headerBits = p.getShort() & 0xffff;
        int headerBytes = (headerBits + 7) / 8;
        if (headerBytes > p.remaining()) {
            return;
        }
        int headerStart = p.position();
        int dataPos = headerStart + headerBytes;
        int bit = 0;
        long ts = rtpTimestamp;
        for (int i = 0; sizeLength > 0 && bit + sizeLength <= headerBits; i++) {
            int size = bits(p, headerStart, bit, sizeLength);
            bit += sizeLength + (i == 0 ? indexLength : indexDeltaLength);
            if (size <= 0 || dataPos + size > p.limit()) {
                return; // a fragmented or damaged unit: skip the rest of the packet
            }
            ByteBuffer unit = p.duplicate();
            unit.position(dataPos).limit(dataPos + size);
            transcode(unit, ts, captureMillis, out);
            dataPos += size;
            ts += 1024; // one AAC frame
        }
    }

    private static int bits(ByteBuffer b, int start, int bitOffset, int count) {
        int v = 0;
        for (int i = 0; i < count; i++) {
            int pos = bitOffset + i;
            int byteValue = b.get(start + pos / 8) & 0xff;
            v = (v << 1) | ((byteValue >> (7 - pos % 8)) & 1);
        }
        return v;
    }

    private void transcode(ByteBuffer data, long rtpTimestamp, long captureMillis, Consumer<EncodedUnit> out)
            throws IOException {
        int n = data.remaining();
        if (n == 0 || av_new_packet(packet, n) < 0) {
            return;
        }
        try {
            packet.data().capacity(n).asByteBuffer().put(data.duplicate());
            packet.pts(rtpTimestamp);
            packet.dts(rtpTimestamp);
            transcoder.transcode(packet, captureMillis, out);
        } finally {
            av_packet_unref(packet);
        }
    }

    private static String encoding(RtpFormat f) {
        if (f.encodingName() != null) {
            return f.encodingName().toLowerCase(Locale.ROOT);
        }
        return switch (f.payloadType()) {
            case 0 -> "pcmu";
            case 8 -> "pcma";
            default -> "";
        };
    }

    private static int intFmtp(RtpFormat f, String key, int dflt) {
        String v = f.fmtp(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    @Override
    public void close() {
        if (transcoder != null) {
            transcoder.close();
            av_packet_free(packet);
        }
    }
}
