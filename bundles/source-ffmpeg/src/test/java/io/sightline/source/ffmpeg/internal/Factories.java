package io.sightline.source.ffmpeg.internal;

import java.lang.reflect.Proxy;

/** The plugin's factories activated as DS activates them without a plugin configuration: the metatype's defaults. */
final class Factories {
    /** The annotation defaults, as DS hands them over when {@code etc/io.sightline.source.ffmpeg.cfg} is absent. */
    static final FfmpegSourceDefaults DEFAULTS = (FfmpegSourceDefaults) Proxy.newProxyInstance(
            FfmpegSourceDefaults.class.getClassLoader(), new Class<?>[] {FfmpegSourceDefaults.class},
            (proxy, method, args) -> method.getDefaultValue());

    private Factories() {
    }

    static <F extends FfmpegSourceFactory> F activated(F factory) {
        factory.configure(DEFAULTS);
        return factory;
    }
}
