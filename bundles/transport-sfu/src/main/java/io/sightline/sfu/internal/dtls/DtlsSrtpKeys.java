package io.sightline.sfu.internal.dtls;

import io.sightline.rtp.srtp.SrtpProfile;
import java.util.Arrays;

/**
 * The outcome of a DTLS-SRTP handshake: the negotiated profile and the exported keying material, laid out as
 * client_write_key | server_write_key | client_write_salt | server_write_salt (RFC 5764 §4.2). This server is the
 * DTLS server, so it protects what it sends with the server key and salt and checks what it receives with the
 * client ones.
 */
public final class DtlsSrtpKeys {

    private final SrtpProfile profile;
    private final byte[] material;

    public DtlsSrtpKeys(SrtpProfile profile, byte[] material) {
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("keying material must be " + profile.keyingMaterialLength() + " bytes");
        }
        this.profile = profile;
        this.material = material.clone();
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** All exported bytes (a copy). */
    public byte[] keyingMaterial() {
        return material.clone();
    }

    public byte[] clientWriteKey() {
        return slice(0, profile.keyLength());
    }

    public byte[] serverWriteKey() {
        return slice(profile.keyLength(), profile.keyLength());
    }

    public byte[] clientWriteSalt() {
        return slice(2 * profile.keyLength(), profile.saltLength());
    }

    public byte[] serverWriteSalt() {
        return slice(2 * profile.keyLength() + profile.saltLength(), profile.saltLength());
    }

    private byte[] slice(int off, int len) {
        return Arrays.copyOfRange(material, off, off + len);
    }

    @Override
    public String toString() {
        return "DtlsSrtpKeys[" + profile + "]"; // never the key bytes
    }
}
