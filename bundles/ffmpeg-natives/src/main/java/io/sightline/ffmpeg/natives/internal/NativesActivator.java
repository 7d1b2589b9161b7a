package io.sightline.ffmpeg.natives.internal;

import io.sightline.ffmpeg.natives.FfmpegNatives;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Points JavaCPP's extraction cache at the Karaf data directory, loads the FFmpeg natives through this bundle's class
 * loader and then registers {@link FfmpegNatives}.
 *
 * <p>A load failure (a missing system library, another class loader that got there first) is logged and leaves the
 * service unregistered rather than failing the bundle start, so the rest of the feature still installs and the encoders
 * that need FFmpeg simply do not appear.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class NativesActivator implements BundleActivator {
    private static final System.Logger LOG = System.getLogger(NativesActivator.class.getName());

    private ServiceRegistration<FfmpegNatives> registration;

    @Override
    public void start(BundleContext context) {
        Path cache = JavaCppCacheDirectory.configure(context);
        try {
            long started = System.nanoTime();
            // Static initialisers of the presets call Loader.load(), which extracts and System.load()s the libraries.
            Loader.load(avutil.class);
            Loader.load(avcodec.class);
            String version = avutil.av_version_info().getString();
            LOG.log(Level.INFO, "FFmpeg {0} natives loaded from {1} in {2} ms", version, cache,
                    (System.nanoTime() - started) / 1_000_000);
            registration = context.registerService(FfmpegNatives.class, new LoadedNatives(version, cache), null);
        } catch (LinkageError | RuntimeException e) {
            LOG.log(Level.ERROR, "FFmpeg natives could not be loaded; FFmpeg-based components stay unavailable", e);
        }
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    private record LoadedNatives(String ffmpegVersion, Path cacheDirectory) implements FfmpegNatives {
    }
}
