package io.sightline.architecture;

import java.util.Set;

/**
 * Where a bundle stands in the one rule between bundles (decision 0002): everything may use the API and the shared
 * libraries; nothing uses the core or a plugin. Which bundles are libraries is decided here, in review, not by what
 * a bundle happens to export.
 */
enum Layer {
    /** The public API: plugins compile against it; it depends on no other Sightline bundle. */
    API,
    /** Shared code without services of its own (protocol code, helpers, native libraries), versioned like the API. */
    LIBRARY,
    /** The composition root: registers the API services; exports nothing. */
    CORE,
    /** Everything else: meets the others only through the service registry. */
    PLUGIN;

    static final String API_BUNDLE = "io.sightline.api";
    static final String CORE_BUNDLE = "io.sightline.core";
    static final Set<String> LIBRARY_BUNDLES = Set.of(
            "io.sightline.rtp",
            "io.sightline.endpoint.support",
            "io.sightline.ffmpeg.natives",
            "io.sightline.webrtc.natives");

    static Layer of(String symbolicName) {
        if (API_BUNDLE.equals(symbolicName)) {
            return API;
        }
        if (CORE_BUNDLE.equals(symbolicName)) {
            return CORE;
        }
        return LIBRARY_BUNDLES.contains(symbolicName) ? LIBRARY : PLUGIN;
    }

    /** Whether other bundles may import what a bundle of this layer exports. */
    boolean importable() {
        return this == API || this == LIBRARY;
    }
}
