/**
 * FFmpeg for other bundles: this bundle carries JavaCPP, the FFmpeg presets (with their linux-x86_64 natives) and
 * JavaCV, exports their {@code org.bytedeco} packages, and registers {@link io.sightline.ffmpeg.natives.FfmpegNatives}
 * once the native libraries are loaded.
 */
@Export
@Version("0.1.0")
package io.sightline.ffmpeg.natives;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
