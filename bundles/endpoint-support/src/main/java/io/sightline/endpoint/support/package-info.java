/**
 * What the network endpoints share (the HTTP servlets of WHEP, the admin API, metrics, health and the web console,
 * and the SFU's media ports): IP address ranges and client keys parsed without DNS lookups, a log that a flood of
 * refusals cannot flood, and a whiteboard servlet registration that configuration changes do not interrupt. Named
 * {@code edge} until decision 0034.
 */
@Export
@Version("1.0.0")
package io.sightline.endpoint.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
