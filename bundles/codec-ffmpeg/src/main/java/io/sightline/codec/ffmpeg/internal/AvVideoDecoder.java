package io.sightline.codec.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NONE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * One libavcodec video decoder turning a track's units into packed I420 pictures: FFmpeg's native decoder for
 * H.264, H.265, VP8, VP9, AV1, MJPEG, or raw pixels (the decoder then only unpacks). Pictures in another pixel format
 * than 4:2:0 (MJPEG's 4:2:2, a webcam's YUYV) are converted by a {@link PictureConverter}.
 *
 * <p>Latency: slice threads only and {@code AV_CODEC_FLAG_LOW_DELAY}, so a picture leaves with the packet that
 * completed it (frame threading would hold back one frame per thread). Resolution changes need nothing special:
 * libavcodec reinitialises on a new SPS or keyframe size and the next picture has the new size. With B-frames,
 * pictures leave in display order, each with its own presentation time.
 *
 * <p>Allocation: the packet buffer, its staging array, the packet and the frame are reused; each picture gets one new
 * array, because subscribers share and keep pictures. Not thread-safe.
 */
final class AvVideoDecoder implements VideoDecoder {
    /** {@code AVERROR(EAGAIN)} on Linux. */
    private static final int AVERROR_EAGAIN = -11;
    private static final byte[] START_CODE = {0, 0, 0, 1};

    /** {@code FF_THREAD_SLICE}: threads share a picture's slices, which adds no delay. */
    private static final int THREAD_SLICE = 2;

    private final Codec codec;
    private final boolean annexB;
    private final PictureConverter converter = new PictureConverter();
    private AVCodecContext context;
    private AVPacket packet;
    private AVFrame frame;
    private BytePointer buffer;
    private byte[] staging = new byte[64 * 1024];

    private AvVideoDecoder(Codec codec, AVCodecContext context) {
        this.codec = codec;
        this.annexB = codec == Codec.H264 || codec == Codec.H265;
        this.context = context;
        this.packet = av_packet_alloc();
        this.frame = av_frame_alloc();
        this.buffer = new BytePointer(staging.length + AV_INPUT_BUFFER_PADDING_SIZE);
    }

    /**
     * Opens FFmpeg's decoder for {@code parameters.codec()}.
     *
     * @throws IllegalArgumentException if FFmpeg has no decoder for it or refuses to open one, or a raw track does not
     *                                  say its size and pixel format
     */
    static AvVideoDecoder open(CodecParameters parameters, int codecId) {
        Codec codec = parameters.codec();
        AVCodec decoder = avcodec_find_decoder(codecId);
        if (decoder == null) {
            throw new IllegalArgumentException("FFmpeg has no decoder for " + codec);
        }
        AVCodecContext ctx = avcodec_alloc_context3(decoder);
        ctx.thread_count(2);
        ctx.thread_type(THREAD_SLICE);
        ctx.flags(ctx.flags() | AV_CODEC_FLAG_LOW_DELAY);
        if (codec == Codec.RAW) {
            try {
                describeRaw(ctx, parameters);
            } catch (IllegalArgumentException e) {
                avcodec_free_context(ctx);
                throw e;
            }
        }
        int ret = avcodec_open2(ctx, decoder, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(ctx);
            throw new IllegalArgumentException("cannot open the " + codec + " decoder: " + AvVideoEncoder.describe(ret));
        }
        return new AvVideoDecoder(codec, ctx);
    }

    /** Raw pixels carry no header: the decoder learns size and layout from the track. */
    private static void describeRaw(AVCodecContext ctx, CodecParameters parameters) {
        String name = parameters.fmtp(CodecParameters.RAW_PIXEL_FORMAT);
        int format = name == null ? AV_PIX_FMT_NONE : av_get_pix_fmt(name);
        if (format == AV_PIX_FMT_NONE) {
            throw new IllegalArgumentException("raw video with an unknown pixel format: " + parameters);
        }
        try {
            ctx.width(Integer.parseInt(parameters.fmtp("width")));
            ctx.height(Integer.parseInt(parameters.fmtp("height")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("raw video without a size: " + parameters);
        }
        ctx.pix_fmt(format);
    }

    @Override
    public int decode(EncodedUnit unit, Consumer<RawVideoFrame> output) {
        if (context == null) {
            throw new IllegalStateException("decoder closed");
        }
        if (unit.codec() != codec) {
            throw new IllegalArgumentException("a " + codec + " decoder got " + unit);
        }
        int size = stage(unit.parts());
        packet.data(buffer);
        packet.size(size);
        packet.pts(unit.ptsMicros());
        packet.dts(AV_NOPTS_VALUE);
        int ret = avcodec_send_packet(context, packet);
        packet.data(null);
        packet.size(0);
        if (ret < 0 && ret != AVERROR_EAGAIN) {
            throw new IllegalArgumentException("cannot decode " + unit + ": " + AvVideoEncoder.describe(ret));
        }
        int pictures = 0;
        while ((ret = avcodec_receive_frame(context, frame)) >= 0) {
            try {
                RawVideoFrame picture = toPicture(unit);
                if (picture != null) {
                    output.accept(picture);
                    pictures++;
                }
            } finally {
                av_frame_unref(frame);
            }
        }
        return pictures;
    }

    /** Copies the unit into the reused native buffer (as Annex B for H.264), zeroing the padding FFmpeg wants. */
    private int stage(List<ByteBuffer> parts) {
        int size = 0;
        for (ByteBuffer part : parts) {
            size += part.remaining() + (annexB ? START_CODE.length : 0);
        }
        if (size > staging.length) {
            staging = new byte[Math.max(size, staging.length * 2)];
            buffer.close();
            buffer = new BytePointer(staging.length + AV_INPUT_BUFFER_PADDING_SIZE);
        }
        int at = 0;
        for (ByteBuffer part : parts) {
            if (annexB) {
                System.arraycopy(START_CODE, 0, staging, at, START_CODE.length);
                at += START_CODE.length;
            }
            int n = part.remaining();
            part.duplicate().get(staging, at, n);
            at += n;
        }
        buffer.position(0).put(staging, 0, size);
        for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) {
            buffer.put(size + i, (byte) 0);
        }
        return size;
    }

    /**
     * Packs the decoded planes (limited-range 4:2:0 as it is, dropping the row padding; anything else, full-range
     * JPEG 4:2:0 included, converted); the capture time
     * is shifted by the picture's distance from the unit's pts.
     */
    private RawVideoFrame toPicture(EncodedUnit unit) {
        int format = frame.format();
        int w = frame.width();
        int h = frame.height();
        if (w <= 0 || h <= 0) {
            return null;
        }
        byte[] data = new byte[RawVideoFrame.i420Size(w, h)];
        if (format == AV_PIX_FMT_YUV420P) {
            int cw = (w + 1) / 2;
            int ch = (h + 1) / 2;
            copyPlane(frame.data(0), frame.linesize(0), data, 0, w, h);
            copyPlane(frame.data(1), frame.linesize(1), data, w * h, cw, ch);
            copyPlane(frame.data(2), frame.linesize(2), data, w * h + cw * ch, cw, ch);
        } else {
            converter.convert(frame, data);
        }
        long pts = frame.best_effort_timestamp();
        if (pts == AV_NOPTS_VALUE) {
            pts = unit.ptsMicros();
        }
        long capture = unit.captureTimeMillis() - (unit.ptsMicros() - pts) / 1000;
        return new RawVideoFrame(w, h, data, pts, capture);
    }

    private static void copyPlane(BytePointer src, int stride, byte[] dst, int offset, int width, int rows) {
        if (stride == width) {
            src.position(0).get(dst, offset, width * rows);
            return;
        }
        for (int row = 0; row < rows; row++) {
            src.position((long) row * stride).get(dst, offset + row * width, width);
        }
        src.position(0);
    }

    @Override
    public void close() {
        if (context != null) {
            av_frame_free(frame);
            av_packet_free(packet);
            avcodec_free_context(context);
            buffer.close();
            converter.release();
            context = null;
            frame = null;
            packet = null;
        }
    }
}
