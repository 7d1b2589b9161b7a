/**
 * SRTP and SRTCP protection for AES_CM_128_HMAC_SHA1_80 (RFC 3711) and AEAD_AES_128_GCM (RFC 7714), keyed from DTLS-SRTP (RFC 5764).
 */
@Export
@Version("0.1.0")
package io.sightline.rtp.srtp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
