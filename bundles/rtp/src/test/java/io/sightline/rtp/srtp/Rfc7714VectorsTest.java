package io.sightline.rtp.srtp;

import static io.sightline.rtp.srtp.Hex.bytes;
import static io.sightline.rtp.srtp.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 7714 sections 16 and 17: AEAD_AES_128_GCM with the session key 000102...0f and session salt "Quid pro quo"
 * (the RFC gives session keys, so key derivation is bypassed here).
 */
class Rfc7714VectorsTest {
    private static final byte[] KEY = bytes("000102030405060708090a0b0c0d0e0f");
    private static final byte[] SALT = bytes("517569642070726f2071756f");

    private static final String RTP = "8040f17b8041f8d35501a0b2"
            + "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
    private static final String SRTP = "8040f17b8041f8d35501a0b2"
            + "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
            + "899d7f27beb16a9152cf765ee4390cce";
    private static final String RTCP = "81c8000d4d617273" + "4e5450314e545032" + "52545020" + "0000042a"
            + "0000e930" + "4c756e61" + "deadbeef".repeat(5);
    private static final String SRTCP = "81c8000d4d617273"
            + "63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa458"
            + "96cf4d2fc5abf87245d9eade" + "800005d4";
    private static final String RTCP_TAGGED = RTCP + "841dd9683dd78ec92ae58790125f62b3" + "000005d4";

    private static AesGcmCipher cipher() {
        return new AesGcmCipher(KEY, SALT, KEY, SALT);
    }

    @Test
    void srtpProtectMatchesSection16() throws Exception {
        byte[] packet = Arrays.copyOf(bytes(RTP), bytes(RTP).length + 16);
        int n = cipher().protectRtp(packet, 0, bytes(RTP).length, 12, 0x5501a0b2, 0xf17bL, packet, 0);
        assertEquals(SRTP, hex(packet, 0, n));
    }

    @Test
    void srtpUnprotectMatchesSection16() throws Exception {
        SrtpContext context = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, cipher());
        byte[] packet = bytes(SRTP);
        int n = context.unprotectRtp(packet, 0, packet.length);
        assertEquals(RTP, hex(packet, 0, n));
    }

    @Test
    void srtcpProtectMatchesSection17() throws Exception {
        byte[] in = bytes(RTCP);
        byte[] out = new byte[in.length + 20];
        int n = cipher().protectRtcp(in, 0, in.length, 0x4d617273, 0x5d4, out, 0);
        assertEquals(SRTCP, hex(out, 0, n));
    }

    @Test
    void srtcpUnprotectMatchesSection17EncryptedAndTaggedOnly() throws Exception {
        SrtpContext context = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, cipher());
        byte[] encrypted = bytes(SRTCP);
        assertEquals(RTCP, hex(encrypted, 0, context.unprotectRtcp(encrypted, 0, encrypted.length)));

        SrtpContext other = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, cipher());
        byte[] tagged = bytes(RTCP_TAGGED);
        byte[] out = new byte[tagged.length];
        int n = other.unprotectRtcp(tagged, 0, tagged.length, out, 0);
        assertArrayEquals(bytes(RTCP), Arrays.copyOf(out, n));
    }

    @Test
    void alteredTaggedRtcpIsRejected() {
        SrtpContext context = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, cipher());
        byte[] tagged = bytes(RTCP_TAGGED);
        tagged[20] ^= 1;
        SrtpException e = assertThrows(SrtpException.class, () -> context.unprotectRtcp(tagged, 0, tagged.length));
        assertEquals(SrtpException.Reason.AUTHENTICATION_FAILED, e.reason());
    }
}
