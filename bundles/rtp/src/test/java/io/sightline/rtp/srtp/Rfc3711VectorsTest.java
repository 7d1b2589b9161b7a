package io.sightline.rtp.srtp;

import static io.sightline.rtp.srtp.Hex.bytes;
import static io.sightline.rtp.srtp.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 3711 Appendix B test vectors. */
class Rfc3711VectorsTest {

    /** B.2: the AES-CM keystream for session key 2B7E..., salt F0F1...FCFD, SSRC 0, index 0. */
    @Test
    void aesCmKeystreamMatchesAppendixB2() throws Exception {
        AesCmCipher cipher = new AesCmCipher(bytes("2B7E151628AED2A6ABF7158809CF4F3C"),
                bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), new byte[20], new byte[16], new byte[14], new byte[20]);
        int blocks = 0xff02; // the RFC lists the keystream up to counter ...FF01
        byte[] packet = new byte[12 + blocks * 16 + 10];
        packet[0] = (byte) 0x80; // V=2, SSRC 0, sequence 0: the IV equals the salt offset
        cipher.protectRtp(packet, 0, 12 + blocks * 16, 12, 0, 0, packet, 0);

        assertEquals("e03ead0935c95e80e166b16dd92b4eb4" + "d23513162b02d0f72a43a2fe4a5f97ab"
                + "41e95b3bb0a2e8dd477901e4fca894c0", hex(packet, 12, 48));
        assertEquals("ec8cdf7398607cb0f2d21675ea9ea1e4" + "362b7c3c6773516318a077d7fc5073ae"
                + "6a2cc3787889374fbeb4c81b17ba6c44", hex(packet, 12 + (blocks - 3) * 16, 48));
    }

    /** B.3: session keys derived from master key E1F9... and master salt 0EC6.... */
    @Test
    void keyDerivationMatchesAppendixB3() {
        KeyDerivation kdf = new KeyDerivation(bytes("E1F97A0D3E018BE0D64FA32C06DE4139"),
                bytes("0EC675AD498AFEEBB6960B3AABE6"));
        byte[] cipherKey = kdf.derive(KeyDerivation.LABEL_RTP_ENCRYPTION, 16);
        byte[] salt = kdf.derive(KeyDerivation.LABEL_RTP_SALT, 14);
        byte[] auth = kdf.derive(KeyDerivation.LABEL_RTP_AUTH, 94);

        assertEquals("c61e7a93744f39ee10734afe3ff7a087", hex(cipherKey, 0, 16));
        assertEquals("30cbbc08863d8c85d49db34a9ae1", hex(salt, 0, 14));
        assertEquals(("CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE"
                + "E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25"
                + "6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2").replace(" ", "").toLowerCase(),
                hex(auth, 0, 94));
    }
}
