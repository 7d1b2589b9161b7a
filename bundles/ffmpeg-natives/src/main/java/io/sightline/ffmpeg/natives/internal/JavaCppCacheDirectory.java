package io.sightline.ffmpeg.natives.internal;

import java.io.File;
import java.nio.file.Path;
import org.osgi.framework.BundleContext;

/**
 * Chooses where JavaCPP extracts native libraries: its default, {@code ~/.javacpp/cache}, is outside the Karaf
 * installation and may not be writable by the service user.
 *
 * <p>Order: an explicit {@value #PROPERTY} (for example from {@code etc/system.properties}) wins; otherwise
 * {@code ${karaf.data}/javacpp}, which survives restarts (so extraction happens once per version) and is removed with
 * the rest of the data directory on {@code clean}; outside Karaf, this bundle's persistent storage area. JavaCPP reads
 * the value as a system property the first time it extracts anything, which is why it is set before any preset class
 * is touched.
 */
final class JavaCppCacheDirectory {
    static final String PROPERTY = "org.bytedeco.javacpp.cachedir";

    private JavaCppCacheDirectory() {
    }

    /** Sets {@value #PROPERTY} unless already set, and returns the directory in force. */
    static Path configure(BundleContext context) {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String karafData = context.getProperty("karaf.data");
        File dataArea = context.getDataFile("javacpp");
        Path dir = karafData != null ? Path.of(karafData, "javacpp")
                : dataArea != null ? dataArea.toPath()
                : Path.of(System.getProperty("user.home"), ".javacpp", "cache");
        System.setProperty(PROPERTY, dir.toString());
        return dir;
    }
}
