/**
 * DTLS credentials for DTLS-SRTP (RFC 5763, RFC 8122): a self-signed certificate known to the peer by its SDP
 * fingerprint, with its signer for BouncyCastle's TLS API.
 */
@Export
@Version("1.0.0")
package io.sightline.rtp.dtls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
