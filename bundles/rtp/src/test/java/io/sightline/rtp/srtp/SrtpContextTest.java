package io.sightline.rtp.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpContextTest {

    private static SrtpSession[] pair(SrtpProfile profile) {
        byte[] material = new byte[profile.keyingMaterialLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) (i * 7 + 3);
        }
        return new SrtpSession[] {
            SrtpSession.fromDtlsKeyingMaterial(profile, material, SrtpSession.Role.SERVER),
            SrtpSession.fromDtlsKeyingMaterial(profile, material, SrtpSession.Role.CLIENT)};
    }

    private static byte[] rtp(int seq, int ssrc, int payloadLength) {
        byte[] p = new byte[12 + payloadLength];
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[7] = (byte) seq;
        AesCmCipher.writeInt(p, 8, ssrc);
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) (i + seq);
        }
        return p;
    }

    private static byte[] protect(SrtpContext ctx, byte[] rtp) throws SrtpException {
        byte[] out = new byte[rtp.length + ctx.profile().rtpOverhead()];
        assertEquals(out.length, ctx.protectRtp(rtp, 0, rtp.length, out, 0));
        return out;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void serverToClientRoundTripAcrossSequenceWrap(SrtpProfile profile) throws Exception {
        SrtpSession[] s = pair(profile);
        for (int i = 0; i < 20; i++) {
            int seq = (65530 + i) & 0xffff;
            byte[] plain = rtp(seq, 0x11223344, 100 + i);
            byte[] buf = Arrays.copyOf(plain, plain.length + profile.rtpOverhead());
            int n = s[0].outbound().protectRtp(buf, 0, plain.length);
            assertFalse(Arrays.equals(plain, 12, plain.length, buf, 12, plain.length), "payload is encrypted");
            assertEquals(plain.length, s[1].inbound().unprotectRtp(buf, 0, n));
            assertArrayEquals(plain, Arrays.copyOf(buf, plain.length));
        }
        assertEquals(1, s[0].outbound().rolloverCounter(0x11223344));
        assertEquals(1, s[1].inbound().rolloverCounter(0x11223344));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void clientKeyDoesNotOpenServerPackets(SrtpProfile profile) throws Exception {
        SrtpSession[] s = pair(profile);
        byte[] p = protect(s[0].outbound(), rtp(1, 5, 50));
        SrtpException e = assertThrows(SrtpException.class, () -> s[0].inbound().unprotectRtp(p, 0, p.length));
        assertEquals(SrtpException.Reason.AUTHENTICATION_FAILED, e.reason());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedAndTooOldPacketsAreRejectedReorderedAccepted(SrtpProfile profile) throws Exception {
        SrtpSession[] s = pair(profile);
        SrtpContext tx = s[0].outbound();
        SrtpContext rx = s[1].inbound();
        byte[][] sent = new byte[100][];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = protect(tx, rtp(1000 + i, 9, 40));
        }
        byte[] first = sent[0].clone();
        rx.unprotectRtp(first, 0, first.length);
        byte[] again = sent[0].clone();
        assertEquals(SrtpException.Reason.REPLAYED,
                assertThrows(SrtpException.class, () -> rx.unprotectRtp(again, 0, again.length)).reason());
        for (int i = 99; i >= 40; i--) { // reordered inside the 64-packet window
            byte[] p = sent[i].clone();
            rx.unprotectRtp(p, 0, p.length);
        }
        byte[] old = sent[20].clone(); // 79 behind the highest
        assertEquals(SrtpException.Reason.TOO_OLD,
                assertThrows(SrtpException.class, () -> rx.unprotectRtp(old, 0, old.length)).reason());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedHeaderPayloadOrTagIsRejected(SrtpProfile profile) throws Exception {
        SrtpSession[] s = pair(profile);
        byte[] good = protect(s[0].outbound(), rtp(7, 9, 60));
        for (int pos : new int[] {1, 5, 20, good.length - 1}) {
            byte[] bad = good.clone();
            bad[pos] ^= 0x01;
            SrtpContext rx = pair(profile)[1].inbound();
            assertEquals(SrtpException.Reason.AUTHENTICATION_FAILED,
                    assertThrows(SrtpException.class, () -> rx.unprotectRtp(bad, 0, bad.length)).reason(),
                    "byte " + pos);
        }
        // A rejected forgery does not poison the window: the genuine packet still passes.
        SrtpContext rx = s[1].inbound();
        byte[] bad = good.clone();
        bad[20] ^= 1;
        assertThrows(SrtpException.class, () -> rx.unprotectRtp(bad, 0, bad.length));
        rx.unprotectRtp(good.clone(), 0, good.length);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripReplayAndTamper(SrtpProfile profile) throws Exception {
        SrtpSession[] s = pair(profile);
        byte[] rtcp = new byte[28]; // a receiver report with one block
        rtcp[0] = (byte) 0x81;
        rtcp[1] = (byte) 201;
        rtcp[3] = 6;
        AesCmCipher.writeInt(rtcp, 4, 0xcafe);
        for (int i = 8; i < rtcp.length; i++) {
            rtcp[i] = (byte) i;
        }
        byte[] out1 = new byte[rtcp.length + profile.rtcpOverhead()];
        byte[] out2 = new byte[out1.length];
        assertEquals(out1.length, s[1].outbound().protectRtcp(rtcp, 0, rtcp.length, out1, 0));
        s[1].outbound().protectRtcp(rtcp, 0, rtcp.length, out2, 0);
        assertFalse(Arrays.equals(out1, out2), "each packet gets its own SRTCP index");

        SrtpContext rx = s[0].inbound();
        byte[] copy = out2.clone();
        assertEquals(rtcp.length, rx.unprotectRtcp(copy, 0, copy.length));
        assertArrayEquals(rtcp, Arrays.copyOf(copy, rtcp.length));
        byte[] replay = out2.clone();
        assertEquals(SrtpException.Reason.REPLAYED,
                assertThrows(SrtpException.class, () -> rx.unprotectRtcp(replay, 0, replay.length)).reason());
        byte[] tampered = out1.clone();
        tampered[10] ^= 4;
        assertEquals(SrtpException.Reason.AUTHENTICATION_FAILED,
                assertThrows(SrtpException.class, () -> rx.unprotectRtcp(tampered, 0, tampered.length)).reason());
        assertEquals(rtcp.length, rx.unprotectRtcp(out1, 0, out1.length));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void malformedInputIsRefusedNotThrownAsRuntimeException(SrtpProfile profile) {
        SrtpContext ctx = pair(profile)[0].outbound();
        byte[] shortPacket = new byte[8];
        assertEquals(SrtpException.Reason.MALFORMED,
                assertThrows(SrtpException.class, () -> ctx.protectRtp(shortPacket, 0, 8)).reason());
        byte[] lyingExtension = rtp(1, 1, 4);
        lyingExtension[0] |= 0x10;
        lyingExtension[14] = (byte) 0xff;
        assertEquals(SrtpException.Reason.MALFORMED,
                assertThrows(SrtpException.class, () -> ctx.protectRtp(lyingExtension, 0, 16, new byte[64], 0))
                        .reason());
        byte[] noRoom = rtp(1, 1, 10);
        assertEquals(SrtpException.Reason.CANNOT_PROCESS,
                assertThrows(SrtpException.class, () -> ctx.protectRtp(noRoom, 0, noRoom.length)).reason());
    }
}
