/**
 * The encoder SPI: turns raw video frames into encoded media units for sources that produce pictures.
 */
@Export
@Version("1.0.0")
package io.sightline.api.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
