package io.sightline.rtp.rtcp;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the RTCP parser (SR, RR, BYE, NACK, transport-cc, PLI, FIR, REMB), which reads every
 * RTCP packet a viewer sends after SRTCP. Without {@code JAZZER_FUZZ=1} it replays the committed corpus
 * ({@code RtcpParserFuzzTestInputs/compoundPacket}); docs/reliability.md has the fuzzing command.
 */
class RtcpParserFuzzTest {
    /** Touches every value handed out so that a lazily wrong value would surface as an exception here. */
    private static final RtcpHandler CONSUMER = new RtcpHandler() {
        @Override
        public void onRemb(long senderSsrc, long bitrateBps, long[] ssrcs) {
            if (bitrateBps < 0) {
                throw new AssertionError("negative REMB bitrate " + bitrateBps);
            }
        }

        @Override
        public void onNack(long senderSsrc, long mediaSsrc, int sequenceNumber) {
            if (sequenceNumber < 0 || sequenceNumber > 0xffff) {
                throw new AssertionError("NACK sequence number out of range " + sequenceNumber);
            }
        }

        @Override
        public void onTransportCc(TransportCcFeedback feedback) {
            if (feedback.toString().isEmpty()) {
                throw new AssertionError();
            }
        }
    };

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void compoundPacket(byte[] data) {
        RtcpParser.parse(data, 0, data.length, CONSUMER);
        if (data.length > 2) {
            RtcpParser.parse(data, 1, data.length - 2, CONSUMER); // at an offset, as in a shared receive buffer
        }
    }
}
