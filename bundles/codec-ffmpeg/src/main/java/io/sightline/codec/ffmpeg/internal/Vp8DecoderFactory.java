package io.sightline.codec.ffmpeg.internal;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Creates FFmpeg's native VP8 decoder. Active only while {@link FfmpegNatives} is registered (FFmpeg natives loaded). */
@Component(service = VideoDecoderFactory.class, property = VideoDecoderFactory.CODEC + "=vp8",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class Vp8DecoderFactory implements VideoDecoderFactory {
    @Override
    public VideoDecoder create(CodecParameters parameters) {
        return VideoDecoders.open(Codec.VP8, parameters);
    }
}
