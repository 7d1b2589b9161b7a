package io.sightline.rtp.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 section 4.3) with AES-CM as PRF and a key derivation rate of 0, which is
 * what DTLS-SRTP uses. RFC 7714 section 11 reuses it unchanged for AES-GCM, with the 12-byte salt left-aligned.
 */
final class KeyDerivation {
    static final int LABEL_RTP_ENCRYPTION = 0x00;
    static final int LABEL_RTP_AUTH = 0x01;
    static final int LABEL_RTP_SALT = 0x02;
    static final int LABEL_RTCP_ENCRYPTION = 0x03;
    static final int LABEL_RTCP_AUTH = 0x04;
    static final int LABEL_RTCP_SALT = 0x05;

    private final Cipher prf;
    private final byte[] masterSalt;

    KeyDerivation(byte[] masterKey, byte[] masterSalt) {
        try {
            prf = Cipher.getInstance("AES/ECB/NoPadding");
            prf.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
        this.masterSalt = masterSalt.clone();
    }

    /** Derives {@code length} bytes for {@code label}: AES-CM keystream from IV = (salt XOR label<<48) * 2^16. */
    byte[] derive(int label, int length) {
        byte[] x = new byte[16];
        System.arraycopy(masterSalt, 0, x, 0, Math.min(14, masterSalt.length));
        // key_id = label || r with r = 0 (kdr 0); as a 14-byte right-aligned value the label sits at byte 7.
        x[7] ^= (byte) label;
        byte[] out = new byte[length];
        byte[] block = new byte[16];
        for (int counter = 0, pos = 0; pos < length; counter++, pos += 16) {
            x[14] = (byte) (counter >>> 8);
            x[15] = (byte) counter;
            try {
                prf.doFinal(x, 0, 16, block, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            System.arraycopy(block, 0, out, pos, Math.min(16, length - pos));
        }
        return out;
    }
}
