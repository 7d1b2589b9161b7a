package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV440P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ440P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_image_fill_arrays;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_DEFAULT;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.sightline.api.media.RawVideoFrame;
import java.io.IOException;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes a video stream the browser cannot take as it is (H.265, MJPEG, raw, H.264 with B-frames) into packed I420
 * {@link RawVideoFrame}s, which the stream then encodes with its own codec. Pictures come out in display order, so
 * their timestamps increase. Not thread-safe; owned by the source's reading thread.
 */
final class VideoDecoder implements AutoCloseable {
    /** {@code AVERROR(EAGAIN)} on Linux. */
    private static final int EAGAIN = -11;

    private final AVCodecContext context;
    private final AVRational timeBase;
    private final MediaClock clock;
    /** The input's nominal rate, carried by every picture so the stream encodes at it (0: unknown). */
    private final double fps;
    private final AVFrame frame = av_frame_alloc();
    private final PointerPointer<BytePointer> dstPlanes = new PointerPointer<>(4);
    private final IntPointer dstStrides = new IntPointer(4);
    private SwsContext scaler;
    private int sourceFormat = -1;
    private BytePointer picture;
    private int width;
    private int height;

    private VideoDecoder(AVCodecContext context, AVRational timeBase, double fps, MediaClock.Origin origin) {
        this.context = context;
        this.timeBase = timeBase;
        this.clock = new MediaClock(fps > 0 ? (long) (1_000_000 / fps) : 33_333, origin);
        this.fps = fps; // SourceReader.frameRate: already 0 when the input has none
    }

    /**
     * Opens a decoder for a stream.
     *
     * @throws IOException when FFmpeg has no decoder for it
     */
    static VideoDecoder open(AVCodecParameters parameters, AVRational timeBase, double fps, MediaClock.Origin origin)
            throws IOException {
        AVCodec codec = avcodec_find_decoder(parameters.codec_id());
        if (codec == null) {
            throw new IOException("FFmpeg has no decoder for video codec id " + parameters.codec_id());
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        avcodec_parameters_to_context(ctx, parameters);
        ctx.flags(ctx.flags() | AV_CODEC_FLAG_LOW_DELAY);
        // Slice threads only: frame threads would hold back a picture per thread.
        ctx.thread_count(2);
        ctx.thread_type(2); // FF_THREAD_SLICE
        int ret = avcodec_open2(ctx, codec, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(ctx);
            throw new IOException("cannot open video decoder: " + FfmpegInput.errorText(ret));
        }
        return new VideoDecoder(ctx, new AVRational().num(timeBase.num()).den(timeBase.den()), fps, origin);
    }

    /** Re-bases the picture clock (the input was rewound). */
    void rebase() {
        clock.rebase();
    }

    /** Decodes one packet and hands every picture it completes to {@code out}; damaged packets are skipped. */
    void decode(AVPacket packet, long captureMillis, Consumer<RawVideoFrame> out) {
        if (avcodec_send_packet(context, packet) < 0) {
            return; // corrupt data: the decoder resynchronises at the next keyframe
        }
        while (avcodec_receive_frame(context, frame) == 0) {
            try {
                RawVideoFrame picture = convert(captureMillis);
                if (picture != null) {
                    out.accept(picture);
                }
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    /** Size of the last decoded picture (0 before the first). */
    int width() {
        return width;
    }

    int height() {
        return height;
    }

    private RawVideoFrame convert(long captureMillis) {
        int w = frame.width();
        int h = frame.height();
        if (w <= 0 || h <= 0) {
            return null;
        }
        boolean sizeChanged = w != width || h != height || picture == null;
        if (sizeChanged) {
            if (picture != null) {
                picture.close();
            }
            width = w;
            height = h;
            picture = new BytePointer(RawVideoFrame.i420Size(w, h));
            av_image_fill_arrays(dstPlanes, dstStrides, picture, AV_PIX_FMT_YUV420P, w, h, 1);
        }
        byte[] data = new byte[RawVideoFrame.i420Size(w, h)]; // frames are shared downstream: one array each
        if (frame.format() == AV_PIX_FMT_YUV420P) {
            copyI420(data, w, h); // what H.264/H.265 decoders give: no conversion, just drop the row padding
        } else {
            if (frame.format() != sourceFormat || scaler == null || sizeChanged) {
                openScaler(w, h, frame.format());
            }
            sws_scale(scaler, new PointerPointer<>(frame), frame.linesize(), 0, h, dstPlanes, dstStrides);
            picture.get(data);
        }
        long pts = frame.best_effort_timestamp();
        Long micros = pts == AV_NOPTS_VALUE ? null : pts * 1_000_000L * timeBase.num() / timeBase.den();
        return new RawVideoFrame(w, h, data, clock.next(micros), captureMillis, fps);
    }

    private void copyI420(byte[] data, int w, int h) {
        int cw = (w + 1) / 2;
        int ch = (h + 1) / 2;
        copyPlane(frame.data(0), frame.linesize(0), data, 0, w, h);
        copyPlane(frame.data(1), frame.linesize(1), data, w * h, cw, ch);
        copyPlane(frame.data(2), frame.linesize(2), data, w * h + cw * ch, cw, ch);
    }

    private static void copyPlane(BytePointer plane, int stride, byte[] out, int offset, int w, int h) {
        if (stride == w) {
            plane.position(0).get(out, offset, w * h);
            return;
        }
        for (int y = 0; y < h; y++) {
            plane.position((long) y * stride).get(out, offset + y * w, w);
        }
    }

    /**
     * A scaler for this input format. JPEG's full-range formats (yuvj*) are given as their plain twins plus a range
     * conversion: passing them as they are makes libswscale warn and rebuild its context for every picture.
     */
    private void openScaler(int w, int h, int format) {
        if (scaler != null) {
            sws_freeContext(scaler);
        }
        sourceFormat = format;
        boolean fullRange = true;
        int plain = format;
        if (format == AV_PIX_FMT_YUVJ420P) {
            plain = AV_PIX_FMT_YUV420P;
        } else if (format == AV_PIX_FMT_YUVJ422P) {
            plain = AV_PIX_FMT_YUV422P;
        } else if (format == AV_PIX_FMT_YUVJ444P) {
            plain = AV_PIX_FMT_YUV444P;
        } else if (format == AV_PIX_FMT_YUVJ440P) {
            plain = AV_PIX_FMT_YUV440P;
        } else {
            fullRange = false;
        }
        scaler = sws_getContext(w, h, plain, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null, (double[]) null);
        if (fullRange) {
            IntPointer coefficients = sws_getCoefficients(SWS_CS_DEFAULT);
            sws_setColorspaceDetails(scaler, coefficients, 1, coefficients, 0, 0, 1 << 16, 1 << 16);
        }
    }

    @Override
    public void close() {
        av_frame_free(frame);
        AVCodecContext c = context;
        avcodec_free_context(c);
        if (scaler != null) {
            sws_freeContext(scaler);
        }
        if (picture != null) {
            picture.close();
        }
        dstPlanes.close();
        dstStrides.close();
    }
}
