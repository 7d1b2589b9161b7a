/**
 * RTP header reading and writing (RFC 3550, RFC 8285) and per-codec payload packetizers (RFC 6184, RFC 7741, RFC 7587).
 */
@Export
@Version("0.4.0")
package io.sightline.rtp.rtp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
