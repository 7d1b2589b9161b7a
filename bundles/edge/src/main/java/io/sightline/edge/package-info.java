/**
 * Helpers the HTTP endpoints (WHEP, admin API, metrics) share to refuse callers safely: IP address ranges and client
 * keys parsed without DNS lookups, and a log that a flood of refusals cannot flood.
 */
@Export
@Version("1.0.0")
package io.sightline.edge;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
