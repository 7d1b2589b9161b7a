package io.sightline.ffmpeg.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleReference;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * Installs the built bundle, alone, into an embedded Felix 7.0.5 (Karaf 4.4.10's framework) and calls FFmpeg through
 * the bundle's class loader. Proves the bundle resolves with only the JDK, loads its natives from inside itself and
 * extracts them under {@code ${karaf.data}/javacpp}.
 */
class FfmpegNativesBundleIT {
    private Framework framework;
    private Path karafData;

    @BeforeEach
    void startFelix() throws Exception {
        Path storage = Path.of(System.getProperty("felix.storage", "target/felix-it"));
        karafData = storage.resolve("karaf-data");
        framework = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.resolve("cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "karaf.data", karafData.toString()));
        framework.start();
    }

    @AfterEach
    void stopFelix() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void bundleLoadsFfmpegNativesThroughItsOwnClassLoader() throws Exception {
        BundleContext context = framework.getBundleContext();
        Path jar = Path.of(System.getProperty("natives.bundle"));
        Bundle bundle = context.installBundle(jar.toUri().toString());
        bundle.start();
        assertEquals(Bundle.ACTIVE, bundle.getState());

        // getAll...: the test's own copy of the interface is not the bundle's, so skip the class-space check.
        ServiceReference<?>[] refs = context.getAllServiceReferences(FfmpegNatives.class.getName(), null);
        assertNotNull(refs, "FfmpegNatives is registered only after the natives loaded");
        Object natives = context.getService(refs[0]);
        Class<?> api = bundle.loadClass(FfmpegNatives.class.getName());
        String version = (String) api.getMethod("ffmpegVersion").invoke(natives);
        assertTrue(version.startsWith("8."), version);

        Class<?> avcodec = bundle.loadClass("org.bytedeco.ffmpeg.global.avcodec");
        assertSame(bundle, ((BundleReference) avcodec.getClassLoader()).getBundle());
        Object openh264 = avcodec.getMethod("avcodec_find_encoder_by_name", String.class).invoke(null, "libopenh264");
        Object vp8 = avcodec.getMethod("avcodec_find_encoder_by_name", String.class).invoke(null, "libvpx");
        assertNotNull(openh264, "the LGPL build carries OpenH264");
        assertNotNull(vp8, "the LGPL build carries libvpx");

        Path cache = (Path) api.getMethod("cacheDirectory").invoke(natives);
        assertEquals(karafData.resolve("javacpp"), cache);
        assertTrue(containsFile(cache, "libavcodec.so.62"), "natives extracted under ${karaf.data}/javacpp");
    }

    private static boolean containsFile(Path dir, String name) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().equals(name));
        }
    }
}
