package io.sightline.rtp.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 5769 test vectors and hostile input. */
class StunMessageTest {

    private static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";
    private static final byte[] TXID = hex("b7e7a701bc34d686fa87dfae");

    /** RFC 5769 §2.1 sample request. */
    static final byte[] SAMPLE_REQUEST = hex(
            "000100582112a442b7e7a701bc34d686fa87dfae"
            + "80220010" + "5354554e207465737420636c69656e74"
            + "00240004" + "6e0001ff"
            + "80290008" + "932ff9b151263b36"
            + "00060009" + "6576746a3a68367659202020"
            + "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
            + "80280004" + "e57a3bcf");

    /** RFC 5769 §2.2 sample IPv4 response. */
    static final byte[] SAMPLE_IPV4_RESPONSE = hex(
            "0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b" + "7465737420766563746f7220"
            + "00200008" + "0001a147e112a643"
            + "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004" + "c07d4c96");

    /** RFC 5769 §2.3 sample IPv6 response. */
    static final byte[] SAMPLE_IPV6_RESPONSE = hex(
            "010100482112a442b7e7a701bc34d686fa87dfae"
            + "8022000b" + "7465737420766563746f7220"
            + "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41"
            + "80280004" + "c8fb0b4c");

    @Test
    void parsesAndVerifiesSampleRequest() throws Exception {
        StunMessage m = StunMessage.parse(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length);
        assertTrue(m.isBindingRequest());
        assertEquals(StunMessage.METHOD_BINDING, m.method());
        assertEquals(StunMessage.CLASS_REQUEST, m.messageClass());
        assertArrayEquals(TXID, m.transactionId());
        assertEquals("STUN test client", m.software());
        assertEquals("evtj:h6vY", m.username());
        assertEquals(0x6e0001ffL, m.priority());
        assertTrue(m.hasIceControlled());
        assertFalse(m.hasIceControlling());
        assertFalse(m.hasUseCandidate());
        assertEquals(0x932ff9b151263b36L, m.tieBreaker());
        assertTrue(m.verifyMessageIntegrity(StunCodec.shortTermKey(PASSWORD)));
        assertFalse(m.verifyMessageIntegrity(StunCodec.shortTermKey("wrong")));
        assertTrue(m.verifyFingerprint());
    }

    @Test
    void buildsSampleRequestByteForByte() {
        byte[] built = new StunMessageBuilder(StunMessage.BINDING_REQUEST, TXID).padding((byte) 0x20)
                .addSoftware("STUN test client")
                .addPriority(0x6e0001ffL)
                .addIceControlled(0x932ff9b151263b36L)
                .addUsername("evtj:h6vY")
                .addMessageIntegrity(PASSWORD)
                .addFingerprint()
                .build();
        assertArrayEquals(SAMPLE_REQUEST, built);
    }

    @Test
    void ipv4ResponseRoundTrip() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        StunMessage m = StunMessage.parse(ByteBuffer.wrap(SAMPLE_IPV4_RESPONSE));
        assertEquals(StunMessage.BINDING_SUCCESS, m.messageType());
        assertEquals("test vector", m.software());
        assertEquals(mapped, m.xorMappedAddress());
        assertTrue(m.verifyMessageIntegrity(StunCodec.shortTermKey(PASSWORD)));
        assertTrue(m.verifyFingerprint());

        byte[] built = StunMessageBuilder.bindingSuccess(TXID).padding((byte) 0x20).addSoftware("test vector")
                .addXorMappedAddress(mapped).addMessageIntegrity(PASSWORD).addFingerprint().build();
        assertArrayEquals(SAMPLE_IPV4_RESPONSE, built);
    }

    @Test
    void ipv6ResponseRoundTrip() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        StunMessage m = StunMessage.parse(ByteBuffer.wrap(SAMPLE_IPV6_RESPONSE));
        assertEquals(mapped, m.xorMappedAddress());
        assertTrue(m.verifyMessageIntegrity(StunCodec.shortTermKey(PASSWORD)));
        assertTrue(m.verifyFingerprint());

        byte[] built = StunMessageBuilder.bindingSuccess(TXID).padding((byte) 0x20).addSoftware("test vector")
                .addXorMappedAddress(mapped).addMessageIntegrity(PASSWORD).addFingerprint().build();
        assertArrayEquals(SAMPLE_IPV6_RESPONSE, built);
    }

    @Test
    void errorResponseRoundTrip() throws Exception {
        byte[] built = StunMessageBuilder.bindingError(TXID).addErrorCode(487, "Role Conflict").addFingerprint()
                .build();
        StunMessage m = StunMessage.parse(built, 0, built.length);
        assertEquals(StunMessage.BINDING_ERROR, m.messageType());
        assertEquals(487, m.errorCode());
        assertEquals("Role Conflict", m.errorReason());
        assertTrue(m.verifyFingerprint());
        assertFalse(m.hasMessageIntegrity());
        assertFalse(m.verifyMessageIntegrity(new byte[] {1}));
    }

    @Test
    void useCandidateAndControlling() throws Exception {
        byte[] built = StunMessageBuilder.bindingRequest().addUsername("a:b").addIceControlling(42)
                .addUseCandidate().addPriority(1).addMessageIntegrity("pw").addFingerprint().build();
        StunMessage m = StunMessage.parse(built, 0, built.length);
        assertTrue(m.hasUseCandidate());
        assertTrue(m.hasIceControlling());
        assertEquals(42, m.tieBreaker());
        assertTrue(m.verifyMessageIntegrity(StunCodec.shortTermKey("pw")));
    }

    @Test
    void tamperedBytesFailIntegrityAndFingerprint() throws Exception {
        byte[] copy = SAMPLE_REQUEST.clone();
        copy[30] ^= 1; // inside SOFTWARE
        StunMessage m = StunMessage.parse(copy, 0, copy.length);
        assertFalse(m.verifyMessageIntegrity(StunCodec.shortTermKey(PASSWORD)));
        assertFalse(m.verifyFingerprint());
    }

    @Test
    void truncatedInputsAreRejected() {
        for (int len = 0; len < SAMPLE_REQUEST.length; len++) {
            int n = len;
            assertThrows(StunException.class, () -> StunMessage.parse(SAMPLE_REQUEST, 0, n), "length " + n);
        }
    }

    @Test
    void badFramingIsRejected() {
        byte[] badCookie = SAMPLE_REQUEST.clone();
        badCookie[5] = 0;
        assertThrows(StunException.class, () -> StunMessage.parse(badCookie, 0, badCookie.length));
        byte[] badLength = SAMPLE_REQUEST.clone();
        badLength[3] = 0x54;
        assertThrows(StunException.class, () -> StunMessage.parse(badLength, 0, badLength.length));
        byte[] overrun = SAMPLE_REQUEST.clone();
        overrun[22] = 0x7F; // SOFTWARE claims a huge length
        assertThrows(StunException.class, () -> StunMessage.parse(overrun, 0, overrun.length));
        byte[] rtp = hex("80600001000000000000000100000000000000000000");
        assertThrows(StunException.class, () -> StunMessage.parse(rtp, 0, rtp.length));
        assertFalse(StunMessage.looksLikeStun(ByteBuffer.wrap(rtp)));
        assertTrue(StunMessage.looksLikeStun(ByteBuffer.wrap(SAMPLE_REQUEST)));
        assertThrows(StunException.class, () -> StunMessage.parse(SAMPLE_REQUEST, 10, SAMPLE_REQUEST.length));
    }

    @Test
    void randomGarbageNeverEscapesAsUncheckedException() {
        Random random = new Random(5769);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(120)];
            random.nextBytes(junk);
            if (junk.length >= 8 && random.nextBoolean()) {
                // Make it look like STUN so the attribute walker is exercised too.
                junk[0] &= 0x3F;
                System.arraycopy(SAMPLE_REQUEST, 4, junk, 4, 4);
                StunCodec.writeU16(junk, 2, junk.length - 20);
            }
            try {
                StunMessage m = StunMessage.parse(junk, 0, junk.length);
                m.username();
                m.priority();
                m.errorReason();
                m.verifyFingerprint();
                m.verifyMessageIntegrity(new byte[] {1, 2});
                try {
                    m.xorMappedAddress();
                    m.errorCode();
                } catch (StunException expected) {
                    // fine: malformed attribute
                }
            } catch (StunException expected) {
                // fine: malformed message
            }
        }
        // Mutations of a valid message: flip each byte.
        for (int i = 0; i < SAMPLE_IPV6_RESPONSE.length; i++) {
            byte[] copy = Arrays.copyOf(SAMPLE_IPV6_RESPONSE, SAMPLE_IPV6_RESPONSE.length);
            copy[i] ^= (byte) 0xFF;
            try {
                StunMessage m = StunMessage.parse(copy, 0, copy.length);
                assertFalse(m.verifyFingerprint() && m.verifyMessageIntegrity(StunCodec.shortTermKey(PASSWORD)),
                        "byte " + i);
            } catch (StunException expected) {
                // fine
            }
        }
    }

    @Test
    void absentAttributesAreNull() throws Exception {
        StunMessage m = StunMessage.parse(SAMPLE_IPV4_RESPONSE, 0, SAMPLE_IPV4_RESPONSE.length);
        assertNull(m.username());
        assertEquals(-1, m.priority());
        assertEquals(-1, m.errorCode());
        assertNull(m.attribute(StunAttribute.USE_CANDIDATE));
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
