package io.sightline.codec.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV440P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ440P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.avutil.av_image_fill_arrays;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_DEFAULT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.sightline.api.media.RawVideoFrame;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded pictures in any other pixel format (MJPEG's 4:2:2, a webcam's YUYV, 4:4:4 H.265) to packed I420,
 * which is what every consumer of pictures takes. The scaler and its output buffer are kept while format and size
 * stay. Not thread-safe; owned by one decoder.
 */
final class PictureConverter implements AutoCloseable {
    private final PointerPointer<BytePointer> dstPlanes = new PointerPointer<>(4);
    private final IntPointer dstStrides = new IntPointer(4);
    private SwsContext scaler;
    private BytePointer picture;
    private int format = -1;
    private int width;
    private int height;

    /** Converts {@code frame} into {@code out}, which holds {@link RawVideoFrame#i420Size} bytes. */
    void convert(AVFrame frame, byte[] out) {
        int w = frame.width();
        int h = frame.height();
        if (scaler == null || frame.format() != format || w != width || h != height) {
            open(frame.format(), w, h);
        }
        sws_scale(scaler, new PointerPointer<>(frame), frame.linesize(), 0, h, dstPlanes, dstStrides);
        picture.position(0).get(out, 0, RawVideoFrame.i420Size(w, h));
    }

    /**
     * JPEG's full-range formats (yuvj*) are given as their plain twins plus a range conversion: passing them as they
     * are makes libswscale warn and rebuild its context for every picture.
     */
    private void open(int newFormat, int w, int h) {
        close();
        format = newFormat;
        width = w;
        height = h;
        picture = new BytePointer(RawVideoFrame.i420Size(w, h));
        av_image_fill_arrays(dstPlanes, dstStrides, picture, AV_PIX_FMT_YUV420P, w, h, 1);
        boolean fullRange = true;
        int plain = newFormat;
        if (newFormat == AV_PIX_FMT_YUVJ420P) {
            plain = AV_PIX_FMT_YUV420P;
        } else if (newFormat == AV_PIX_FMT_YUVJ422P) {
            plain = AV_PIX_FMT_YUV422P;
        } else if (newFormat == AV_PIX_FMT_YUVJ444P) {
            plain = AV_PIX_FMT_YUV444P;
        } else if (newFormat == AV_PIX_FMT_YUVJ440P) {
            plain = AV_PIX_FMT_YUV440P;
        } else {
            fullRange = false;
        }
        scaler = sws_getContext(w, h, plain, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null, (double[]) null);
        if (scaler == null) {
            throw new IllegalArgumentException("no conversion from pixel format " + newFormat + " to I420");
        }
        if (fullRange) {
            IntPointer coefficients = sws_getCoefficients(SWS_CS_DEFAULT);
            sws_setColorspaceDetails(scaler, coefficients, 1, coefficients, 0, 0, 1 << 16, 1 << 16);
        }
    }

    @Override
    public void close() {
        if (scaler != null) {
            sws_freeContext(scaler);
            scaler = null;
        }
        if (picture != null) {
            picture.close();
            picture = null;
        }
    }

    /** Frees the pointer arrays too; the converter is not used afterwards. */
    void release() {
        close();
        dstPlanes.close();
        dstStrides.close();
    }
}
