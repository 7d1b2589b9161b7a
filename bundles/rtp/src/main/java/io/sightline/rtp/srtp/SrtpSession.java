package io.sightline.rtp.srtp;

/**
 * Both directions of an SRTP session set up by DTLS-SRTP: a context that protects what this side sends and one that
 * unprotects what the peer sends.
 *
 * <p>The keying material exported by DTLS ({@code EXTRACTOR-dtls_srtp}, RFC 5764 section 4.2) is laid out as
 * client master key, server master key, client master salt, server master salt; each side sends with its own role's
 * key. An SFU that answers with {@code a=setup:passive} is the DTLS server.
 */
public final class SrtpSession {
    /** Which DTLS role this side played. */
    public enum Role {
        CLIENT,
        SERVER
    }

    private final SrtpContext outbound;
    private final SrtpContext inbound;

    private SrtpSession(SrtpContext outbound, SrtpContext inbound) {
        this.outbound = outbound;
        this.inbound = inbound;
    }

    /**
     * Splits DTLS-SRTP keying material and creates both contexts.
     *
     * @param profile  the negotiated protection profile
     * @param material exactly {@link SrtpProfile#keyingMaterialLength()} bytes
     * @param local    this side's DTLS role
     */
    public static SrtpSession fromDtlsKeyingMaterial(SrtpProfile profile, byte[] material, Role local) {
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException(profile + " needs " + profile.keyingMaterialLength()
                    + " bytes of keying material, got " + material.length);
        }
        int k = profile.keyLength();
        int s = profile.saltLength();
        byte[] clientKey = slice(material, 0, k);
        byte[] serverKey = slice(material, k, k);
        byte[] clientSalt = slice(material, 2 * k, s);
        byte[] serverSalt = slice(material, 2 * k + s, s);
        SrtpContext client = SrtpContext.create(profile, clientKey, clientSalt);
        SrtpContext server = SrtpContext.create(profile, serverKey, serverSalt);
        return local == Role.SERVER ? new SrtpSession(server, client) : new SrtpSession(client, server);
    }

    /** Protects what this side sends. */
    public SrtpContext outbound() {
        return outbound;
    }

    /** Unprotects what the peer sends. */
    public SrtpContext inbound() {
        return inbound;
    }

    private static byte[] slice(byte[] b, int off, int len) {
        byte[] r = new byte[len];
        System.arraycopy(b, off, r, 0, len);
        return r;
    }
}
