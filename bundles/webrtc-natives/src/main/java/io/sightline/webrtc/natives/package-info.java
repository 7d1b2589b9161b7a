/**
 * WebRTC for other bundles: this bundle carries webrtc-java with its linux-x86_64 libwebrtc, exports the
 * {@code dev.onvoid.webrtc} packages, and registers {@link io.sightline.webrtc.natives.WebRtcNatives} once the native
 * library is loaded.
 */
@Export
@Version("0.1.0")
package io.sightline.webrtc.natives;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
