/**
 * The transport SPI: turns a viewer's SDP offer for a stream into an answer and a viewer session (SFU or P2P), and a
 * publisher's into a publisher session (WHIP).
 */
@Export
@Version("1.3.0")
package io.sightline.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
