/**
 * Bandwidth estimation for one receiver of a sender that cannot change its rate per receiver (an SFU): delay-based
 * and loss-based estimation from transport-wide congestion control feedback after Google Congestion Control
 * (draft-ietf-rmcat-gcc-02), with REMB and receiver-report loss as fallbacks, and probe clusters (1.1.0) with which
 * an application-limited sender finds out whether a higher rate fits.
 */
@Export
@Version("1.1.0")
package io.sightline.rtp.cc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
