/**
 * Helpers the HTTP endpoints (WHEP, admin API, metrics) share to refuse callers safely: IP address ranges and client
 * keys parsed without DNS lookups, a log that a flood of refusals cannot flood, and a whiteboard servlet
 * registration that configuration changes do not interrupt.
 */
@Export
@Version("1.2.0")
package io.sightline.edge;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
