package io.sightline.ffmpeg.natives;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * FFmpeg's native libraries, loaded by this bundle's class loader and ready to call through the exported
 * {@code org.bytedeco.ffmpeg} packages.
 *
 * <p>Registered as a service only after libavutil and libavcodec loaded, so components that call FFmpeg reference it
 * to start only when the natives work (and never trigger the first, slow extraction themselves). Natives stay loaded
 * until the JVM exits: refreshing this bundle cannot unload them, so restart Karaf instead.
 */
@ProviderType
public interface FfmpegNatives {
    /** FFmpeg's version string ({@code av_version_info()}), for example {@code 8.1.2}. */
    String ffmpegVersion();

    /** Where JavaCPP extracted the native libraries (the {@code org.bytedeco.javacpp.cachedir} in force). */
    Path cacheDirectory();
}
