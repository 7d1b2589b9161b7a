/**
 * STUN messages as ICE uses them (RFC 8489, with the ICE attributes of RFC 8445 section 16): parsing an
 * unauthenticated datagram, checking MESSAGE-INTEGRITY (short-term credentials) and FINGERPRINT, and building
 * binding requests and responses. No sockets: the ICE agent that sends and receives them is the SFU's.
 */
@Export
@Version("1.0.0")
package io.sightline.rtp.stun;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
