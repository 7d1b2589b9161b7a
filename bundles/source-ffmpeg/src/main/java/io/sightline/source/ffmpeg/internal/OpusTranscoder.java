package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.FF_COMPLIANCE_EXPERIMENTAL;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_CHANNEL_ORDER_UNSPEC;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swresample.SwrContext;

/**
 * Turns any audio stream FFmpeg decodes (AAC, G.711, MP3...) into Opus at 48 kHz in 20 ms packets, the one audio
 * codec every browser plays over WebRTC, so a camera's audio is never silently dropped. Mono stays mono; more than
 * two channels are downmixed to stereo.
 *
 * <p>Chain: decoder, resampler (to 16-bit 48 kHz), a FIFO that cuts the sample stream into 960-sample frames, libopus.
 * Packet times follow the sample count from the first decoded frame's timestamp, so they are gapless. Not
 * thread-safe; owned by the source's reading thread.
 */
final class OpusTranscoder implements AutoCloseable {
    static final int RATE = 48_000;
    static final int FRAME_SAMPLES = 960;
    private static final long FRAME_MICROS = 20_000;

    private final AVCodecContext decoder;
    private final AVRational timeBase;
    private final MediaClock clock;
    private final AVFrame decoded = av_frame_alloc();
    private final AVFrame resampled = av_frame_alloc();
    private final AVPacket encodedPacket = av_packet_alloc();
    private final int channels;
    private final AVChannelLayout outLayout = new AVChannelLayout();
    private AVCodecContext encoder;
    private AVFrame encoderFrame;
    private SwrContext resampler;
    private AVAudioFifo fifo;
    private long startMicros = Long.MIN_VALUE;
    private long framesSent;
    private long packetsOut;

    private OpusTranscoder(AVCodecContext decoder, AVRational timeBase, int channels, MediaClock.Origin origin) {
        this.decoder = decoder;
        this.timeBase = timeBase;
        this.channels = channels;
        this.clock = new MediaClock(FRAME_MICROS, origin);
        av_channel_layout_default(outLayout, channels);
    }

    /**
     * Opens the decoder for a stream; the encoder is opened at the first decoded samples.
     *
     * @throws IOException when FFmpeg has no decoder for the stream's codec
     */
    static OpusTranscoder open(AVCodecParameters parameters, AVRational timeBase, MediaClock.Origin origin)
            throws IOException {
        AVCodec codec = avcodec_find_decoder(parameters.codec_id());
        if (codec == null) {
            throw new IOException("FFmpeg has no decoder for audio codec id " + parameters.codec_id());
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        avcodec_parameters_to_context(ctx, parameters);
        int ret = avcodec_open2(ctx, codec, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(ctx);
            throw new IOException("cannot open audio decoder: " + FfmpegInput.errorText(ret));
        }
        int inChannels = parameters.ch_layout().nb_channels();
        int channels = inChannels == 1 ? 1 : 2;
        return new OpusTranscoder(ctx, new AVRational().num(timeBase.num()).den(timeBase.den()), channels, origin);
    }

    /** The track this transcoder's units belong to. */
    Track track() {
        return Track.audio(CodecParameters.opus(channels == 2));
    }

    /** Re-bases the clock after the input was rewound. */
    void rebase() {
        clock.rebase();
        startMicros = Long.MIN_VALUE;
    }

    /** Decodes one packet and hands out every Opus packet that completes. */
    void transcode(AVPacket packet, long captureMillis, Consumer<EncodedUnit> out) throws IOException {
        if (avcodec_send_packet(decoder, packet) < 0) {
            return; // a damaged packet: skip it
        }
        while (avcodec_receive_frame(decoder, decoded) == 0) {
            try {
                if (startMicros == Long.MIN_VALUE) {
                    long pts = decoded.best_effort_timestamp();
                    Long micros = pts == AV_NOPTS_VALUE ? null : pts * 1_000_000L * timeBase.num() / timeBase.den();
                    startMicros = clock.next(micros);
                    framesSent = 0;
                    packetsOut = 0;
                }
                resample();
            } finally {
                av_frame_unref(decoded);
            }
            encodeReady(captureMillis, out);
        }
    }

    private void resample() throws IOException {
        AVChannelLayout in = decoded.ch_layout();
        if (in.order() == AV_CHANNEL_ORDER_UNSPEC) {
            // G.711 and friends say only "n channels"; the resampler works with the default layout for n, and would
            // see every later frame as a changed input if this one stayed unspecified.
            av_channel_layout_default(in, in.nb_channels());
        }
        if (resampler == null) {
            openEncoder();
        }
        resampled.format(AV_SAMPLE_FMT_S16);
        resampled.sample_rate(RATE);
        resampled.ch_layout(outLayout);
        int ret = swr_convert_frame(resampler, resampled, decoded);
        if (ret < 0) {
            av_frame_unref(resampled);
            throw new IOException("audio resampling failed: " + FfmpegInput.errorText(ret));
        }
        av_audio_fifo_write(fifo, resampled.extended_data(), resampled.nb_samples());
        av_frame_unref(resampled);
    }

    private void encodeReady(long captureMillis, Consumer<EncodedUnit> out) throws IOException {
        while (av_audio_fifo_size(fifo) >= FRAME_SAMPLES) {
            av_frame_make_writable(encoderFrame);
            av_audio_fifo_read(fifo, encoderFrame.extended_data(), FRAME_SAMPLES);
            encoderFrame.pts(framesSent * FRAME_SAMPLES);
            framesSent++;
            int ret = avcodec_send_frame(encoder, encoderFrame);
            if (ret < 0) {
                throw new IOException("Opus encoding failed: " + FfmpegInput.errorText(ret));
            }
            while (avcodec_receive_packet(encoder, encodedPacket) == 0) {
                try {
                    byte[] opus = new byte[encodedPacket.size()];
                    encodedPacket.data().get(opus);
                    long pts = startMicros + packetsOut * FRAME_MICROS;
                    packetsOut++;
                    out.accept(new EncodedUnit(Track.AUDIO, Codec.OPUS, pts, captureMillis, true,
                            List.of(ByteBuffer.wrap(opus))));
                } finally {
                    av_packet_unref(encodedPacket);
                }
            }
        }
    }

    private void openEncoder() throws IOException {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            codec = avcodec_find_encoder(AV_CODEC_ID_OPUS);
        }
        if (codec == null) {
            throw new IOException("FFmpeg has no Opus encoder");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.sample_fmt(AV_SAMPLE_FMT_S16);
        ctx.sample_rate(RATE);
        ctx.ch_layout(outLayout);
        ctx.bit_rate(channels == 2 ? 96_000 : 48_000);
        ctx.time_base(av_make_q(1, RATE));
        ctx.strict_std_compliance(FF_COMPLIANCE_EXPERIMENTAL); // FFmpeg's own Opus encoder, if libopus is absent
        int ret = avcodec_open2(ctx, codec, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(ctx);
            throw new IOException("cannot open Opus encoder: " + FfmpegInput.errorText(ret));
        }
        encoder = ctx;
        encoderFrame = av_frame_alloc();
        encoderFrame.format(AV_SAMPLE_FMT_S16);
        encoderFrame.sample_rate(RATE);
        encoderFrame.ch_layout(outLayout);
        encoderFrame.nb_samples(FRAME_SAMPLES);
        av_frame_get_buffer(encoderFrame, 0);
        // Allocated first: swr_alloc_set_opts2 configures the context its argument points to when there is one.
        resampler = swr_alloc();
        ret = swr_alloc_set_opts2(resampler, outLayout, AV_SAMPLE_FMT_S16, RATE, decoded.ch_layout(),
                decoded.format(), decoded.sample_rate(), 0, null);
        if (ret < 0 || swr_init(resampler) < 0) {
            throw new IOException("cannot convert audio from " + decoded.sample_rate() + " Hz");
        }
        fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_S16, channels, RATE / 5);
    }

    @Override
    public void close() {
        AVCodecContext d = decoder;
        avcodec_free_context(d);
        if (encoder != null) {
            AVCodecContext e = encoder;
            avcodec_free_context(e);
        }
        av_frame_free(decoded);
        av_frame_free(resampled);
        if (encoderFrame != null) {
            av_frame_free(encoderFrame);
        }
        av_packet_free(encodedPacket);
        if (resampler != null) {
            swr_free(resampler);
        }
        if (fifo != null) {
            av_audio_fifo_free(fifo);
        }
        outLayout.close();
    }
}
