package io.sightline.codec.ffmpeg.internal;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Creates FFmpeg's raw video "decoder", which unpacks a capture device's pixels (size and layout from the track). Active only while {@link FfmpegNatives} is registered (FFmpeg natives loaded). */
@Component(service = VideoDecoderFactory.class, property = VideoDecoderFactory.CODEC + "=raw",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class RawDecoderFactory implements VideoDecoderFactory {
    @Override
    public VideoDecoder create(CodecParameters parameters) {
        return VideoDecoders.open(Codec.RAW, parameters);
    }
}
