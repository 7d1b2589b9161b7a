/**
 * SDP offer parsing, SFU answer writing, codec matching and trickle ICE fragments (RFC 8866, RFC 8829, RFC 8840).
 */
@Export
@Version("0.4.0")
package io.sightline.rtp.sdp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
