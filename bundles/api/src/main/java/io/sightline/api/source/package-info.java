/**
 * The capture SPI: what an integrator implements to bring media from a camera, a feed or a file into a stream.
 */
@Export
@Version("1.2.0")
package io.sightline.api.source;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
