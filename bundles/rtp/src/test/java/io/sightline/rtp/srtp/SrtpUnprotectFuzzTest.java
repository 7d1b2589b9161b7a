package io.sightline.rtp.srtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of SRTP and SRTCP unprotection, the first code every media datagram from a viewer meets.
 * Random bytes never authenticate, so besides feeding them raw the target also lets a peer with the same keys
 * protect the fuzzed packet first (the fuzzer then reaches header parsing, the replay window and rollover after
 * authentication) and requires the round trip to give back the original bytes. The first input byte picks the
 * profile and the mode; the only exception allowed out is {@link SrtpException}.
 */
class SrtpUnprotectFuzzTest {
    private static final byte[] MATERIAL = new byte[60];

    static {
        for (int i = 0; i < MATERIAL.length; i++) {
            MATERIAL[i] = (byte) (i * 7 + 3);
        }
    }

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void unprotect(byte[] data) {
        if (data.length < 1) {
            return;
        }
        int selector = data[0] & 0xff;
        SrtpProfile profile = SrtpProfile.values()[selector & 1];
        byte[] material = Arrays.copyOf(MATERIAL, profile.keyingMaterialLength());
        SrtpContext sender = SrtpSession.fromDtlsKeyingMaterial(profile, material, SrtpSession.Role.CLIENT).outbound();
        SrtpContext receiver = SrtpSession.fromDtlsKeyingMaterial(profile, material, SrtpSession.Role.SERVER)
                .inbound();
        boolean rtcp = (selector & 2) != 0;
        boolean protectFirst = (selector & 4) != 0;
        byte[] packet = Arrays.copyOfRange(data, 1, data.length);
        byte[] buf = Arrays.copyOf(packet, packet.length + 64);
        try {
            int len = packet.length;
            if (protectFirst) {
                len = rtcp ? sender.protectRtcp(buf, 0, len) : sender.protectRtp(buf, 0, len);
            }
            int plain = rtcp ? receiver.unprotectRtcp(buf, 0, len) : receiver.unprotectRtp(buf, 0, len);
            if (protectFirst && (plain != packet.length || !Arrays.equals(buf, 0, plain, packet, 0, plain))) {
                throw new AssertionError("round trip changed the packet");
            }
        } catch (SrtpException expected) {
            // dropped, counted by the caller
        }
    }
}
