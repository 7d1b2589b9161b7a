package io.sightline.rtp.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the STUN parser and every accessor the ICE agent calls on an unauthenticated datagram
 * from any address (connectivity checks arrive before anything is verified). The only exception allowed out is
 * {@link StunException}, which the receive loop counts and drops. Seeds: the RFC 5769 sample messages.
 */
class StunMessageFuzzTest {
    private static final byte[] KEY = StunCodec.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void datagram(byte[] data) {
        if (!StunMessage.looksLikeStun(ByteBuffer.wrap(data))) {
            return;
        }
        StunMessage m;
        try {
            m = StunMessage.parse(ByteBuffer.wrap(data));
        } catch (StunException expected) {
            return; // dropped and counted by the receive loop
        }
        m.messageType();
        m.isBindingRequest();
        m.username();
        m.software();
        m.priority();
        m.hasUseCandidate();
        m.hasIceControlling();
        m.hasIceControlled();
        m.errorReason();
        m.verifyMessageIntegrity(KEY);
        m.verifyFingerprint();
        for (StunRead read : new StunRead[] {StunMessage::tieBreaker, StunMessage::xorMappedAddress,
                StunMessage::errorCode}) {
            try {
                read.from(m);
            } catch (StunException expected) {
                // an attribute absent or malformed: the message is dropped
            }
        }
    }

    @FunctionalInterface
    private interface StunRead {
        Object from(StunMessage m) throws StunException;
    }
}
