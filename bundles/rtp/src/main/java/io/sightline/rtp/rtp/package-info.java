/**
 * RTP header reading and writing (RFC 3550, RFC 8285) and per-codec payload packetizers and depacketizers (RFC 6184,
 * RFC 7741, RFC 9628, the AOM AV1 payload format, RFC 7587).
 */
@Export
@Version("0.5.0")
package io.sightline.rtp.rtp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
