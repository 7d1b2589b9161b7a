package io.sightline.codec.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_RAWVIDEO;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;

/** What the decoder factories share: the codec each one decodes and FFmpeg's id for it. */
final class VideoDecoders {
    private VideoDecoders() {
    }

    /** Opens a decoder for {@code expected}; refuses parameters of another codec. */
    static VideoDecoder open(Codec expected, CodecParameters parameters) {
        if (parameters.codec() != expected) {
            throw new IllegalArgumentException("not " + expected + ": " + parameters);
        }
        return AvVideoDecoder.open(parameters, codecId(expected));
    }

    private static int codecId(Codec codec) {
        return switch (codec) {
            case H264 -> AV_CODEC_ID_H264;
            case H265 -> AV_CODEC_ID_HEVC;
            case VP8 -> AV_CODEC_ID_VP8;
            case VP9 -> AV_CODEC_ID_VP9;
            case AV1 -> AV_CODEC_ID_AV1;
            case MJPEG -> AV_CODEC_ID_MJPEG;
            case RAW -> AV_CODEC_ID_RAWVIDEO;
            default -> throw new IllegalArgumentException("not a video codec: " + codec);
        };
    }
}
