package io.sightline.sfu.internal.dtls;

import org.bouncycastle.tls.SRTPProtectionProfile;

/** The SRTP protection profiles this server negotiates in use_srtp (RFC 5764 §4.1.2, RFC 7714 §14.2), best first. */
public enum SrtpProfile {

    /** RFC 7714: AES-128-GCM, 16-byte key, 12-byte salt. */
    AEAD_AES_128_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, 16, 12),
    /** RFC 5764: AES-128 counter mode, HMAC-SHA1 80-bit tag, 16-byte key, 14-byte salt. */
    AES128_CM_HMAC_SHA1_80(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 16, 14);

    private final int id;
    private final int keyLength;
    private final int saltLength;

    SrtpProfile(int id, int keyLength, int saltLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
    }

    /** The two-byte profile id of the use_srtp extension. */
    public int id() {
        return id;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    /** Bytes to export with EXTRACTOR-dtls_srtp: a key and a salt for each direction (RFC 5764 §4.2). */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /** The profile for an id, or null when this server does not support it. */
    public static SrtpProfile fromId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
