package io.sightline.webrtc.natives;

import org.osgi.annotation.versioning.ProviderType;

/**
 * libwebrtc, loaded through this bundle's class loader and ready to call through the exported
 * {@code dev.onvoid.webrtc} packages.
 *
 * <p>Registered as a service only after the native library loaded, so components that use WebRTC reference it to
 * start only when the library works (and never pay the first, slow extraction of the 23 MB library themselves).
 * The library stays mapped until the JVM exits: every refresh of this bundle maps another copy, so restart Karaf
 * instead of refreshing it.
 */
@ProviderType
public interface WebRtcNatives {
    /** The webrtc-java version carried by this bundle, for example {@code 0.14.0}. */
    String version();

    /** Milliseconds the extraction and {@code System.load} took. */
    long loadMillis();
}
