package io.sightline.webrtc.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * Installs the built bundle, alone, into an embedded Felix 7.0.5 (Karaf 4.4.10's framework) and creates a headless
 * PeerConnectionFactory through the bundle's class loader. Proves the bundle resolves with only the JDK and loads
 * libwebrtc from inside itself.
 */
class WebRtcNativesBundleIT {
    private Framework framework;

    @BeforeEach
    void startFelix() throws Exception {
        Path storage = Path.of(System.getProperty("felix.storage", "target/felix-it"));
        framework = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.resolve("cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
    }

    @AfterEach
    void stopFelix() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void bundleLoadsLibwebrtcThroughItsOwnClassLoader() throws Exception {
        BundleContext context = framework.getBundleContext();
        Bundle bundle = context.installBundle(Path.of(System.getProperty("natives.bundle")).toUri().toString());
        bundle.start();
        assertEquals(Bundle.ACTIVE, bundle.getState());

        // getAll...: the test's own copy of the interface is not the bundle's, so skip the class-space check.
        ServiceReference<?>[] refs = context.getAllServiceReferences(WebRtcNatives.class.getName(), null);
        assertNotNull(refs, "WebRtcNatives is registered only after the library loaded");
        Object natives = context.getService(refs[0]);
        assertEquals("0.14.0", bundle.loadClass(WebRtcNatives.class.getName()).getMethod("version").invoke(natives));

        Class<?> adm = bundle.loadClass("dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule");
        Class<?> admBase = bundle.loadClass("dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase");
        Class<?> factoryType = bundle.loadClass("dev.onvoid.webrtc.PeerConnectionFactory");
        assertSame(bundle, ((BundleReference) factoryType.getClassLoader()).getBundle());
        Object factory = factoryType.getConstructor(admBase).newInstance(adm.getConstructor().newInstance());
        try {
            Class<?> mediaType = bundle.loadClass("dev.onvoid.webrtc.media.MediaType");
            Object video = mediaType.getField("VIDEO").get(null);
            Object caps = factoryType.getMethod("getRtpSenderCapabilities", mediaType).invoke(factory, video);
            List<?> codecs = (List<?>) caps.getClass().getMethod("getCodecs").invoke(caps);
            assertFalse(codecs.isEmpty(), "libwebrtc lists its video encoders");
            assertNotNull(codecs.stream().filter(c -> c.toString().contains("VP8")).findAny().orElse(null),
                    "VP8 among " + codecs);
        } finally {
            factoryType.getMethod("dispose").invoke(factory);
        }
    }
}
