/**
 * The health SPI: contributors report the status of the parts they own, aggregated by the health endpoint.
 */
@Export
@Version("1.0.0")
package io.sightline.api.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
