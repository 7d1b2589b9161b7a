/**
 * RTCP sender report and SDES writing, and parsing of viewer feedback (RFC 3550, RFC 4585, RFC 5104, REMB, transport-wide congestion control).
 */
@Export
@Version("0.3.0")
package io.sightline.rtp.rtcp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
