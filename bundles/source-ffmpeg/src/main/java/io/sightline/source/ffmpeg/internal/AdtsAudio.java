package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import java.io.IOException;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * The AAC audio of an MPEG-TS feed (stream type 0x0F: ADTS frames in PES packets) transcoded to Opus by the same
 * {@link OpusTranscoder} the FFmpeg path uses. FFmpeg's AAC decoder takes one ADTS frame, header included, per packet
 * and reads the configuration from the header, so each PES is cut at the ADTS frame lengths. Output is stereo Opus
 * (a mono source is upmixed): the channel count is not known before the first frame, and the tracks are announced
 * before it. Not thread-safe; owned by the reader thread.
 */
final class AdtsAudio implements AutoCloseable {
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
        8000, 7350};

    private final OpusTranscoder transcoder;
    private final AVPacket packet = av_packet_alloc();

    private AdtsAudio(OpusTranscoder transcoder) {
        this.transcoder = transcoder;
    }

    /** @param origin the input's shared media clock origin (PTS microseconds), as the video's */
    static AdtsAudio open(MediaClock.Origin origin) throws IOException {
        AVCodecParameters p = avcodec_parameters_alloc();
        try {
            p.codec_type(AVMEDIA_TYPE_AUDIO);
            p.codec_id(AV_CODEC_ID_AAC);
            p.sample_rate(48000); // replaced by the ADTS header's
            av_channel_layout_default(p.ch_layout(), 2);
            return new AdtsAudio(OpusTranscoder.open(p, new AVRational().num(1).den(90_000), origin));
        } finally {
            avcodec_parameters_free(p);
        }
    }

    Track track() {
        return transcoder.track();
    }

    /** Transcodes the ADTS frames of one PES payload; a damaged header drops the rest of the PES. */
    void pes(byte[] data, int length, long pts90k, long captureMillis, Consumer<EncodedUnit> out) throws IOException {
        int p = 0;
        long pts = pts90k;
        while (p + 7 <= length) {
            if ((data[p] & 0xFF) != 0xFF || (data[p + 1] & 0xF0) != 0xF0) {
                return;
            }
            int rateIndex = (data[p + 2] >> 2) & 0xF;
            int frameLength = ((data[p + 3] & 0x3) << 11) | ((data[p + 4] & 0xFF) << 3) | ((data[p + 5] & 0xE0) >> 5);
            if (rateIndex >= RATES.length || frameLength < 7 || p + frameLength > length) {
                return;
            }
            transcode(data, p, frameLength, pts, captureMillis, out);
            if (pts >= 0) {
                pts += 1024L * 90_000 / RATES[rateIndex];
            }
            p += frameLength;
        }
    }

    private void transcode(byte[] data, int offset, int n, long pts, long captureMillis, Consumer<EncodedUnit> out)
            throws IOException {
        if (av_new_packet(packet, n) < 0) {
            return;
        }
        try {
            packet.data().put(data, offset, n);
            long ts = pts >= 0 ? pts : AV_NOPTS_VALUE;
            packet.pts(ts);
            packet.dts(ts);
            transcoder.transcode(packet, captureMillis, out);
        } finally {
            av_packet_unref(packet);
        }
    }

    @Override
    public void close() {
        transcoder.close();
        av_packet_free(packet);
    }
}
