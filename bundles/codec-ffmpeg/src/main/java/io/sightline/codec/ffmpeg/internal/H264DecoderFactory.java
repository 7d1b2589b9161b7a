package io.sightline.codec.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Creates FFmpeg's native H.264 decoder (all profiles FFmpeg decodes with 8-bit 4:2:0 output). Active only while
 * {@link FfmpegNatives} is registered, i.e. once the FFmpeg natives loaded.
 */
@Component(service = VideoDecoderFactory.class, property = VideoDecoderFactory.CODEC + "=h264",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class H264DecoderFactory implements VideoDecoderFactory {
    @Override
    public VideoDecoder create(CodecParameters parameters) {
        if (parameters.codec() != Codec.H264) {
            throw new IllegalArgumentException("not H.264: " + parameters);
        }
        return AvVideoDecoder.open(Codec.H264, AV_CODEC_ID_H264);
    }
}
