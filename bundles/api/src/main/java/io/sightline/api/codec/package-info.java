/**
 * The codec SPI: encoders turn raw video frames into encoded media units for sources that produce pictures, and
 * decoders turn a passthrough source's encoded units back into pictures for raw-picture subscribers.
 */
@Export
@Version("1.1.0")
package io.sightline.api.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
