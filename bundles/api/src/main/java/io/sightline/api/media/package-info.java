/**
 * Media types shared by every plugin: codecs and their parameters, encoded media units and raw video frames.
 */
@Export
@Version("1.2.0")
package io.sightline.api.media;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
