package io.sightline.rtp.srtp;

/**
 * The SRTP protection profiles this library implements, with their DTLS-SRTP identifiers (RFC 5764 section 4.1.2,
 * RFC 7714 section 14.2) and key sizes.
 */
public enum SrtpProfile {
    /** AES-128 in counter mode with an 80-bit HMAC-SHA1 tag (RFC 3711, RFC 5764). Every browser offers it. */
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10),
    /** AES-128-GCM with a 128-bit tag (RFC 7714). Cheaper per packet with AES-NI; Chromium offers it first. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16);

    private final int dtlsId;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int dtlsId, int keyLength, int saltLength, int tagLength) {
        this.dtlsId = dtlsId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** The protection profile identifier in the DTLS use_srtp extension. */
    public int dtlsId() {
        return dtlsId;
    }

    /** Master (and session) key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master (and session) salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Authentication tag length in bytes appended to each packet. */
    public int tagLength() {
        return tagLength;
    }

    /** Length of the DTLS exported keying material for this profile: two keys and two salts (RFC 5764 section 4.2). */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /** Bytes SRTP adds to an RTP packet. */
    public int rtpOverhead() {
        return tagLength;
    }

    /** Bytes SRTCP adds to an RTCP packet (tag plus the 4-byte E flag and SRTCP index). */
    public int rtcpOverhead() {
        return tagLength + 4;
    }

    /** The profile with the given DTLS-SRTP identifier, or {@code null} when this library does not implement it. */
    public static SrtpProfile fromDtlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsId == id) {
                return p;
            }
        }
        return null;
    }
}
