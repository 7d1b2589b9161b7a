/**
 * The access-control SPI: decides whether a caller may read, publish or administer a stream.
 */
@Export
@Version("1.1.0")
package io.sightline.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
