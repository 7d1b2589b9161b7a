package io.sightline.codec.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_count;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.media.RawVideoFrame;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * One libavcodec video encoder with the frame and packet it reuses: copies an I420 picture in, hands the packet out.
 * Knows nothing of the codec's bitstream; {@link H264VideoEncoder} and {@link Vp8VideoEncoder} shape the output.
 *
 * <p>Frame pts count frames in a {@code 1/fps} time base, so rate control sees a steady clock whatever timestamps the
 * source puts on its frames. Not thread-safe.
 */
final class AvVideoEncoder implements AutoCloseable {
    /** {@code AVERROR(EAGAIN)} on Linux, the only platform this bundle carries natives for. */
    private static final int AVERROR_EAGAIN = -11;

    private final EncoderSettings settings;
    private AVCodecContext context;
    private AVFrame frame;
    private AVPacket packet;
    private long frameIndex;

    private AvVideoEncoder(EncoderSettings settings, AVCodecContext context, AVFrame frame, AVPacket packet) {
        this.settings = settings;
        this.context = context;
        this.frame = frame;
        this.packet = packet;
    }

    /**
     * Opens an encoder.
     *
     * @param encoderName libavcodec encoder name, e.g. {@code libopenh264}
     * @param settings    size, rate, bitrate and GOP
     * @param tuning      sets codec-specific context fields before opening
     * @param options     private options of the encoder; an option the encoder does not know fails the open
     * @throws IllegalArgumentException if the encoder is missing or refuses the settings
     */
    static AvVideoEncoder open(String encoderName, EncoderSettings settings, Consumer<AVCodecContext> tuning,
            Map<String, String> options) {
        AVCodec codec = avcodec_find_encoder_by_name(encoderName);
        if (codec == null) {
            throw new IllegalArgumentException("FFmpeg has no encoder " + encoderName);
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.width(settings.width());
        ctx.height(settings.height());
        ctx.pix_fmt(AV_PIX_FMT_YUV420P);
        ctx.time_base(av_make_q(1, settings.fps()));
        ctx.framerate(av_make_q(settings.fps(), 1));
        ctx.bit_rate(settings.bitrateKbps() * 1000L);
        ctx.gop_size(settings.gopFrames());
        ctx.max_b_frames(0); // no reordering: every frame can be sent the moment it is encoded
        ctx.thread_count(1); // one stream per encoder, many encoders per host: parallelism comes from streams
        tuning.accept(ctx);

        AVDictionary dict = new AVDictionary(null);
        options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
        int ret = avcodec_open2(ctx, codec, dict);
        int unused = av_dict_count(dict); // options libavcodec consumed are removed from the dictionary
        av_dict_free(dict);
        if (ret < 0 || unused > 0) {
            avcodec_free_context(ctx);
            throw new IllegalArgumentException(encoderName + " refused " + settings + " / " + options + ": "
                    + (ret < 0 ? describe(ret) : unused + " unknown option(s)"));
        }
        AVFrame f = av_frame_alloc();
        f.format(AV_PIX_FMT_YUV420P);
        f.width(settings.width());
        f.height(settings.height());
        ret = av_frame_get_buffer(f, 0);
        if (ret < 0) {
            av_frame_free(f);
            avcodec_free_context(ctx);
            throw new IllegalStateException("cannot allocate an I420 frame: " + describe(ret));
        }
        return new AvVideoEncoder(settings, ctx, f, av_packet_alloc());
    }

    /** The encoder's global header (e.g. H.264 SPS/PPS in Annex B when AV_CODEC_FLAG_GLOBAL_HEADER was set), or empty. */
    ByteBuffer extradata() {
        int size = context.extradata_size();
        if (size <= 0 || context.extradata() == null) {
            return ByteBuffer.allocate(0);
        }
        return copy(context.extradata().capacity(size).limit(size).asByteBuffer());
    }

    /**
     * Encodes one picture and passes the packet, if any, to {@code output} while it is valid; the packet's bytes must
     * be copied before {@code output} returns.
     *
     * @return whether a packet came out (false: the encoder dropped the frame)
     */
    boolean encode(RawVideoFrame picture, boolean forceKeyframe, PacketConsumer output) {
        if (context == null) {
            throw new IllegalStateException("encoder closed");
        }
        if (picture.width() != settings.width() || picture.height() != settings.height()) {
            throw new IllegalArgumentException("frame is " + picture.width() + "x" + picture.height()
                    + ", encoder expects " + settings.width() + "x" + settings.height());
        }
        check(av_frame_make_writable(frame), "av_frame_make_writable");
        copyPlanes(picture);
        frame.pts(frameIndex++);
        // Both libopenh264 (ForceIntraFrame -> IDR) and libvpx (VPX_EFLAG_FORCE_KF) turn an I picture type into a keyframe.
        frame.pict_type(forceKeyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        check(avcodec_send_frame(context, frame), "avcodec_send_frame");
        int ret = avcodec_receive_packet(context, packet);
        if (ret == AVERROR_EAGAIN) {
            return false;
        }
        check(ret, "avcodec_receive_packet");
        try {
            int size = packet.size();
            ByteBuffer data = packet.data().capacity(size).limit(size).asByteBuffer();
            output.accept(data, (packet.flags() & AV_PKT_FLAG_KEY) != 0);
        } finally {
            av_packet_unref(packet);
        }
        return true;
    }

    private void copyPlanes(RawVideoFrame picture) {
        int w = picture.width();
        int h = picture.height();
        int cw = picture.chromaStride();
        int ch = (h + 1) / 2;
        byte[] src = picture.data();
        copyPlane(frame.data(0), frame.linesize(0), src, 0, w, h);
        copyPlane(frame.data(1), frame.linesize(1), src, picture.uOffset(), cw, ch);
        copyPlane(frame.data(2), frame.linesize(2), src, picture.vOffset(), cw, ch);
    }

    private static void copyPlane(BytePointer dst, int stride, byte[] src, int offset, int width, int rows) {
        if (stride == width) {
            dst.position(0).put(src, offset, width * rows);
            return;
        }
        for (int row = 0; row < rows; row++) {
            dst.position((long) row * stride).put(src, offset + row * width, width);
        }
        dst.position(0);
    }

    /** Copies native bytes into a fresh heap buffer, since the native memory is reused or freed afterwards. */
    static ByteBuffer copy(ByteBuffer nativeBytes) {
        ByteBuffer heap = ByteBuffer.allocate(nativeBytes.remaining());
        heap.put(nativeBytes.duplicate()).flip();
        return heap;
    }

    @Override
    public void close() {
        if (context != null) {
            av_packet_free(packet);
            av_frame_free(frame);
            avcodec_free_context(context);
            context = null;
            frame = null;
            packet = null;
        }
    }

    private static void check(int ret, String call) {
        if (ret < 0) {
            throw new IllegalStateException(call + " failed: " + describe(ret));
        }
    }

    static String describe(int error) {
        byte[] buf = new byte[128];
        av_strerror(error, buf, buf.length);
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, java.nio.charset.StandardCharsets.US_ASCII) + " (" + error + ")";
    }

    /** Receives an encoded packet while it is valid. */
    @FunctionalInterface
    interface PacketConsumer {
        /**
         * @param data     the packet bytes (native memory, valid only during the call)
         * @param keyframe whether the encoder flagged the packet as a keyframe
         */
        void accept(ByteBuffer data, boolean keyframe);
    }
}
