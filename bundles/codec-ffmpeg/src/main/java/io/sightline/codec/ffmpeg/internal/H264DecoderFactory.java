package io.sightline.codec.ffmpeg.internal;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Creates FFmpeg's native H.264 decoder (all profiles FFmpeg decodes; other than 4:2:0 output is converted). Active only while
 * {@link FfmpegNatives} is registered, i.e. once the FFmpeg natives loaded.
 */
@Component(service = VideoDecoderFactory.class, property = VideoDecoderFactory.CODEC + "=h264",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class H264DecoderFactory implements VideoDecoderFactory {
    @Override
    public VideoDecoder create(CodecParameters parameters) {
        return VideoDecoders.open(Codec.H264, parameters);
    }
}
