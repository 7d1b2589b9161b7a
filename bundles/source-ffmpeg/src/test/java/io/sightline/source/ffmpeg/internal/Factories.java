package io.sightline.source.ffmpeg.internal;

import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.codec.ffmpeg.internal.Av1DecoderFactory;
import io.sightline.codec.ffmpeg.internal.H264DecoderFactory;
import io.sightline.codec.ffmpeg.internal.H265DecoderFactory;
import io.sightline.codec.ffmpeg.internal.MjpegDecoderFactory;
import io.sightline.codec.ffmpeg.internal.RawDecoderFactory;
import io.sightline.codec.ffmpeg.internal.Vp8DecoderFactory;
import io.sightline.codec.ffmpeg.internal.Vp9DecoderFactory;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * The plugin's factories activated as DS activates them without a plugin configuration (the metatype's defaults),
 * with codec-ffmpeg's real decoder factories bound, as the sightline-codec-ffmpeg feature registers them.
 */
final class Factories {
    /** The annotation defaults, as DS hands them over when {@code etc/io.sightline.source.ffmpeg.cfg} is absent. */
    static final FfmpegSourceDefaults DEFAULTS = (FfmpegSourceDefaults) Proxy.newProxyInstance(
            FfmpegSourceDefaults.class.getClassLoader(), new Class<?>[] {FfmpegSourceDefaults.class},
            (proxy, method, args) -> method.getDefaultValue());

    private Factories() {
    }

    static <F extends FfmpegSourceFactory> F activated(F factory) {
        factory.configure(DEFAULTS);
        bind(factory, new H264DecoderFactory(), "h264");
        bind(factory, new H265DecoderFactory(), "h265");
        bind(factory, new Vp8DecoderFactory(), "vp8");
        bind(factory, new Vp9DecoderFactory(), "vp9");
        bind(factory, new Av1DecoderFactory(), "av1");
        bind(factory, new MjpegDecoderFactory(), "mjpeg");
        bind(factory, new RawDecoderFactory(), "raw");
        return factory;
    }

    /** A factory without decoder plugins, as before codec-ffmpeg is installed. */
    static <F extends FfmpegSourceFactory> F withoutDecoders(F factory) {
        factory.configure(DEFAULTS);
        return factory;
    }

    private static void bind(FfmpegSourceFactory factory, VideoDecoderFactory decoder, String codec) {
        factory.bindDecoderFactory(decoder, Map.of(VideoDecoderFactory.CODEC, codec));
    }
}
