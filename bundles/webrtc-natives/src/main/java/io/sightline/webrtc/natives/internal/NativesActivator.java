package io.sightline.webrtc.natives.internal;

import io.sightline.webrtc.natives.WebRtcNatives;
import java.lang.System.Logger.Level;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Loads libwebrtc through this bundle's class loader and then registers {@link WebRtcNatives}.
 *
 * <p>A load failure (a missing system library such as libpulse0 or libX11) is logged and leaves the service
 * unregistered rather than failing the bundle start, so the transports that need WebRTC simply do not appear.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class NativesActivator implements BundleActivator {
    private static final System.Logger LOG = System.getLogger(NativesActivator.class.getName());
    /** The class whose static initialiser extracts and System.load()s the library. */
    private static final String LOADING_CLASS = "dev.onvoid.webrtc.PeerConnectionFactory";
    private static final String VERSION = "0.14.0";

    private ServiceRegistration<WebRtcNatives> registration;

    @Override
    public void start(BundleContext context) {
        long started = System.nanoTime();
        try {
            Class.forName(LOADING_CLASS, true, NativesActivator.class.getClassLoader());
            long millis = (System.nanoTime() - started) / 1_000_000;
            LOG.log(Level.INFO, "libwebrtc (webrtc-java {0}) loaded in {1} ms", VERSION, millis);
            registration = context.registerService(WebRtcNatives.class, new LoadedNatives(VERSION, millis), null);
        } catch (LinkageError | ClassNotFoundException | RuntimeException e) {
            LOG.log(Level.ERROR, "libwebrtc could not be loaded (missing system libraries? see "
                    + "libpulse0 libx11-6 libxfixes3 libxrandr2 libxcomposite1 libudev1 libdbus-1-3); "
                    + "WebRTC-based transports stay unavailable", e);
        }
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    private record LoadedNatives(String version, long loadMillis) implements WebRtcNatives {
    }
}
