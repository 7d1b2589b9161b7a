/**
 * The machine-readable timecode strip the test pattern draws at the top of every picture: the capture wall-clock time
 * in milliseconds as a row of black and white blocks that survives scaling and lossy compression. Read it back from
 * a decoded picture with {@link io.sightline.source.testpattern.timecode.TimecodeReader} to measure glass-to-glass
 * latency. The format is specified in {@code docs/timecode.md} and {@link
 * io.sightline.source.testpattern.timecode.TimecodeFormat}.
 */
@Export
@Version("0.1.0")
package io.sightline.source.testpattern.timecode;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
