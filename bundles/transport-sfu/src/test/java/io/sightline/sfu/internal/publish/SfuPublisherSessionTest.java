package io.sightline.sfu.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import io.sightline.rtp.h264.NalUnits;
import io.sightline.rtp.rtcp.RtcpHandler;
import io.sightline.rtp.rtcp.RtcpParser;
import io.sightline.rtp.rtp.RtpHeader;
import io.sightline.rtp.sdp.SdpParser;
import io.sightline.rtp.srtp.SrtpContext;
import io.sightline.rtp.srtp.SrtpProfile;
import io.sightline.rtp.srtp.SrtpSession;
import io.sightline.sfu.internal.dtls.DtlsSrtpKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A publisher session with SRTP keys both sides know, fed real SRTP packets as the ICE thread would hand them over:
 * what reaches the stream (access units in order, keyframes with their parameter sets, Opus) and what goes back
 * (NACK for a gap, PLI for a keyframe request), decrypted and parsed.
 */
class SfuPublisherSessionTest {
    private static final long MS = 1_000_000L;
    private static final SrtpProfile PROFILE = SrtpProfile.AEAD_AES_128_GCM;
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f, 0x11};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};

    private final RecordingSlot slot = new RecordingSlot();
    private final List<String> rtcp = new ArrayList<>();
    private final List<String> closedHost = new ArrayList<>();
    private SfuPublisherSession session;
    private SrtpContext publisherOut;
    private SrtpContext publisherIn;
    private int seq = 100;

    @BeforeEach
    void connect() throws Exception {
        connect(ChromeOffers.chrome());
    }

    private void connect(String offer) throws Exception {
        PublisherNegotiation.Answer answer = new PublisherNegotiation(new Random(2)).answer(
                SdpParser.parseOffer(offer), List.of(),
                io.sightline.rtp.sdp.Fingerprint.sha256(new byte[32]));
        session = new SfuPublisherSession("p1", "cam", "127.0.0.1", new SfuPublisherSession.Host() {
            @Override
            public String restartIce(io.sightline.sfu.internal.ice.IceSession s) {
                return "";
            }

            @Override
            public void closed(SfuPublisherSession s, io.sightline.sfu.internal.ice.IceSession i) {
                closedHost.add(s.id());
            }
        }, slot, answer.video(), answer.audio(), 77);
        session.attach(packet -> {
            byte[] b = new byte[packet.remaining()];
            packet.get(b);
            received(b);
            return true;
        }, null, null, answer.answerSdp());
        byte[] material = new byte[PROFILE.keyingMaterialLength()];
        new Random(3).nextBytes(material);
        session.onHandshakeComplete(null, new DtlsSrtpKeys(PROFILE, material));
        SrtpSession publisher = SrtpSession.fromDtlsKeyingMaterial(PROFILE, material, SrtpSession.Role.CLIENT);
        publisherOut = publisher.outbound();
        publisherIn = publisher.inbound();
    }

    private void received(byte[] srtcp) {
        try {
            int len = publisherIn.unprotectRtcp(srtcp, 0, srtcp.length);
            RtcpParser.parse(srtcp, 0, len, new RtcpHandler() {
                @Override
                public void onNack(long sender, long media, int s) {
                    rtcp.add("NACK " + media + " " + s);
                }

                @Override
                public void onPli(long sender, long media) {
                    rtcp.add("PLI " + media);
                }

                @Override
                public void onRemb(long sender, long bps, long[] ssrcs) {
                    rtcp.add("REMB " + bps / 1000);
                }
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One single-NAL-unit (or Opus) packet, SRTP-protected, with the next sequence number of its SSRC. */
    private ByteBuffer packet(int pt, long ssrc, int sequence, long ts, boolean marker, byte[] payload) throws Exception {
        byte[] buf = new byte[1500];
        int h = new RtpHeader().payloadType(pt).sequenceNumber(sequence).timestamp(ts).ssrc(ssrc).marker(marker)
                .write(buf, 0);
        System.arraycopy(payload, 0, buf, h, payload.length);
        int len = publisherOut.protectRtp(buf, 0, h + payload.length);
        return ByteBuffer.wrap(buf, 0, len);
    }

    private void video(int sequence, long ts, boolean marker, byte[] nal) throws Exception {
        session.onRtp(null, packet(106, 2222, sequence, ts, marker, nal));
    }

    private void keyframe(long ts) throws Exception {
        video(seq++, ts, false, SPS);
        video(seq++, ts, false, PPS);
        video(seq++, ts, true, new byte[] {0x65, 1, 2, 3});
    }

    @Test
    void aKeyframeReachesTheStreamWithItsParameterSetsAndOpusFollows() throws Exception {
        keyframe(0);
        video(seq++, 3000, true, new byte[] {0x41, 9});
        session.onRtp(null, packet(111, 1111, 5, 960, false, new byte[] {(byte) 0xfc, 1, 2}));
        assertEquals(1, slot.announced.size());
        List<Track> tracks = slot.announced.get(0);
        assertEquals("42c01f", tracks.get(0).parameters().fmtp("profile-level-id"));
        assertEquals(Codec.OPUS, tracks.get(1).parameters().codec());
        assertEquals(3, slot.units.size());
        EncodedUnit key = slot.units.get(0);
        assertTrue(key.keyframe());
        assertEquals(List.of(NalUnits.SPS, NalUnits.PPS, NalUnits.IDR), key.parts().stream().map(NalUnits::type)
                .toList());
        assertFalse(slot.units.get(1).keyframe());
        assertEquals(33_333, slot.units.get(1).ptsMicros() - key.ptsMicros(), 1);
        assertEquals(Codec.OPUS, slot.units.get(2).codec());
    }

    @Test
    void picturesBeforeTheFirstKeyframeAreDroppedAndAKeyframeIsAskedFor() throws Exception {
        video(seq++, 0, true, new byte[] {0x41, 9});
        assertTrue(slot.units.isEmpty());
        session.tick(0);
        assertTrue(rtcp.contains("PLI 2222"), rtcp.toString());
        rtcp.clear();
        session.requestKeyframe();
        session.tick(100 * MS);
        assertFalse(rtcp.contains("PLI 2222"), "at most one PLI per 300 ms");
        session.tick(300 * MS);
        assertTrue(rtcp.contains("PLI 2222"));
    }

    @Test
    void aPublisherThatSentNoKeyframeForTheStreamsIntervalIsAskedForOne() throws Exception {
        long t0 = System.nanoTime();
        keyframe(0);
        session.tick(t0);
        assertFalse(rtcp.contains("PLI 2222"), "the keyframe that came answered the start's request: " + rtcp);
        session.tick(t0 + 1_900 * MS);
        assertFalse(rtcp.contains("PLI 2222"), rtcp.toString());
        session.tick(t0 + 2_100 * MS);
        assertTrue(rtcp.contains("PLI 2222"), "2 s without a keyframe: " + rtcp);
        rtcp.clear();
        session.tick(t0 + 2_500 * MS);
        assertFalse(rtcp.contains("PLI 2222"), "no second refresh before the first could be answered: " + rtcp);
        keyframe(90_000);
        session.tick(System.nanoTime() + 1_000 * MS);
        assertFalse(rtcp.contains("PLI 2222"), rtcp.toString());
        assertEquals(1, session.stats().plisSent(), "the start's PLI was not needed; one refresh: "
                + session.stats());
    }

    /** One VP8 packet: descriptor with S (and PID 0) on a frame's first packet, then the bytes. */
    private void vp8(int sequence, long ts, boolean start, boolean marker, byte... bytes) throws Exception {
        byte[] payload = new byte[bytes.length + 1];
        payload[0] = (byte) (start ? 0x10 : 0x00);
        System.arraycopy(bytes, 0, payload, 1, bytes.length);
        session.onRtp(null, packet(96, 3333, sequence, ts, marker, payload));
    }

    @Test
    void aVp8PublisherPushesWholeFramesFromAKeyframeOnWithItsSize() throws Exception {
        connect(ChromeOffers.offer("sendonly", "actpass", true, "96 97"));
        byte[] keyHead = {0x10, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a, (byte) 0x80, 0x02, 0x68, 0x01};
        vp8(seq++, 0, true, true, (byte) 0x31, (byte) 1); // an inter frame before any key frame: dropped
        assertTrue(slot.units.isEmpty());
        vp8(seq++, 3000, true, false, keyHead);
        vp8(seq++, 3000, false, true, (byte) 7, (byte) 8);
        vp8(seq++, 6000, true, true, (byte) 0x31, (byte) 9);
        assertEquals(2, slot.units.size(), slot.units.toString());
        EncodedUnit key = slot.units.get(0);
        assertEquals(Codec.VP8, key.codec());
        assertTrue(key.keyframe());
        assertEquals(keyHead.length + 2, key.parts().get(0).remaining());
        assertFalse(slot.units.get(1).keyframe());
        Track video = slot.announced.get(0).get(0);
        assertEquals(Codec.VP8, video.parameters().codec());
        assertEquals(640, video.width());
        assertEquals(360, video.height());
        int lost = seq++;
        vp8(seq++, 9000, false, true, (byte) 5); // the frame's start was lost
        vp8(seq++, 12000, true, true, (byte) 0x31, (byte) 6); // refers to the damaged one: held back
        assertEquals(2, slot.units.size(), "nothing after a damaged frame until a key frame");
        session.tick(System.nanoTime() + 400 * MS);
        assertTrue(rtcp.contains("PLI 3333"), "a key frame is asked for: " + rtcp);
        assertTrue(rtcp.contains("NACK 3333 " + lost), rtcp.toString());
        assertEquals("VP8", session.stats().videoCodec());
    }

    private void sendVideo(int pt, long ts, boolean marker, byte[] payload) throws Exception {
        session.onRtp(null, packet(pt, 4444, seq++, ts, marker, payload));
    }

    private void sendVideo(int pt, long ts, boolean marker, int... bytes) throws Exception {
        byte[] payload = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            payload[i] = (byte) bytes[i];
        }
        sendVideo(pt, ts, marker, payload);
    }

    @Test
    void aVp9PublisherPushesFramesFromAKeyframeOnWithTheSizeOfItsScalabilityStructure() throws Exception {
        connect(ChromeOffers.offer("sendonly", "actpass", true, "98 100"));
        sendVideo(98, 0, true, (byte) 0xcc, (byte) 0x80, 0x01, 0x01, 0x31); // I, P, B, E: no key frame yet
        assertTrue(slot.units.isEmpty());
        // I, B, V; picture 2; SS: one layer 640x360; then the frame's first bytes; the rest in a packet with E
        sendVideo(98, 3000, false, (byte) 0x8a, (byte) 0x80, 0x02, 0x10, 0x02, (byte) 0x80, 0x01, 0x68,
                (byte) 0x82, 0x49);
        sendVideo(98, 3000, true, (byte) 0x84, (byte) 0x80, 0x02, (byte) 0x83, 0x42);
        sendVideo(98, 6000, true, (byte) 0xcc, (byte) 0x80, 0x03, 0x01, 0x31); // inter frame
        assertEquals(2, slot.units.size(), slot.units.toString());
        EncodedUnit key = slot.units.get(0);
        assertEquals(Codec.VP9, key.codec());
        assertTrue(key.keyframe());
        assertEquals(4, key.parts().get(0).remaining());
        assertFalse(slot.units.get(1).keyframe());
        Track video = slot.announced.get(0).get(0);
        assertEquals("0", video.parameters().fmtp("profile-id"), "viewers are answered profile 0");
        assertEquals(640, video.width());
        assertEquals(360, video.height());

        sendVideo(98, 9000, true, (byte) 0x88); // I and B but no picture ID: malformed
        sendVideo(98, 12000, true, (byte) 0xcc, (byte) 0x80, 0x05, 0x01, 0x31); // refers to it: held back
        assertEquals(2, slot.units.size(), "the malformed packet's frame and what follows are dropped");
        session.tick(System.nanoTime() + 400 * MS);
        assertTrue(rtcp.contains("PLI 4444"), "a key frame is asked for: " + rtcp);
        assertEquals("VP9", session.stats().videoCodec());
    }

    @Test
    void anAv1PublisherPushesTemporalUnitsWithTheSequenceHeadersSize() throws Exception {
        connect(ChromeOffers.offer("sendonly", "actpass", true, "45"));
        byte[] sequenceHeader = java.util.HexFormat.of().parseHex("0200000561e7f66357cc02"); // SVT-AV1, 320x180
        byte[] key = new byte[2 + 1 + sequenceHeader.length + 4];
        key[0] = 0x18 | 0x20; // N, W = 2
        key[1] = (byte) (1 + sequenceHeader.length);
        key[2] = 0x08; // OBU_SEQUENCE_HEADER without size field
        System.arraycopy(sequenceHeader, 0, key, 3, sequenceHeader.length);
        key[key.length - 4] = 0x30; // OBU_FRAME, the last element (no length)
        key[key.length - 3] = 1;
        key[key.length - 2] = 2;
        key[key.length - 1] = 3;
        key[0] = 0x28;
        sendVideo(45, 3000, true, key);
        sendVideo(45, 6000, true, (byte) 0x10, (byte) 0x30, 4, 5); // W = 1: one frame OBU
        assertEquals(2, slot.units.size(), slot.units.toString());
        assertEquals(Codec.AV1, slot.units.get(0).codec());
        assertTrue(slot.units.get(0).keyframe());
        assertFalse(slot.units.get(1).keyframe());
        Track video = slot.announced.get(0).get(0);
        assertEquals("0", video.parameters().fmtp("profile"));
        assertEquals(320, video.width());
        assertEquals(180, video.height());
        ByteBuffer second = slot.units.get(1).parts().get(0);
        assertEquals(0x12, second.get(0), "a temporal delimiter first");
        assertEquals(0x32, second.get(2), "then the frame OBU with its size field");
        assertEquals("AV1", session.stats().videoCodec());
    }

    @Test
    void statsCountWhatCameAndWhatWasAskedFor() throws Exception {
        keyframe(0);
        int lost = seq++;
        video(seq++, 3000, true, new byte[] {0x41, 1});
        session.tick(System.nanoTime());
        io.sightline.api.transport.PublisherStats stats = session.stats();
        assertEquals("p1", stats.id());
        assertEquals("cam", stats.streamName());
        assertEquals("H264", stats.videoCodec());
        assertEquals("opus", stats.audioCodec());
        assertEquals(4, stats.packetsReceived());
        assertTrue(stats.bytesReceived() > 4 * 12, stats.toString());
        assertEquals(1, stats.nacksSent(), "the gap at " + lost);
    }

    @Test
    void aReorderedPacketIsPutBackInPlaceAndALostOneIsNackedThenRepaired() throws Exception {
        keyframe(0);
        session.tick(0);
        rtcp.clear();
        int lost = seq++;
        video(seq++, 3000, true, new byte[] {0x41, 1}); // arrives before the one sent first
        assertEquals(1, slot.units.size(), "the picture waits behind the gap");
        session.tick(System.nanoTime());
        assertTrue(rtcp.contains("NACK 2222 " + lost), rtcp.toString());
        video(lost, 3000 - 3000, true, new byte[] {0x41, 2}); // the retransmission fills the gap
        assertEquals(3, slot.units.size());
        assertEquals(2, slot.units.get(1).parts().get(0).get(1), "in sequence order");
    }

    @Test
    void undecryptablePacketsAreDroppedAndClosingTellsTheStreamOnce() throws Exception {
        byte[] garbage = new byte[60];
        garbage[0] = (byte) 0x80;
        garbage[1] = 106;
        session.onRtp(null, ByteBuffer.wrap(garbage));
        assertTrue(slot.units.isEmpty());
        session.close();
        session.close();
        assertEquals(List.of("detach: deleted by the publisher"), slot.events);
        assertEquals(List.of("p1"), closedHost);
        assertTrue(session.state().startsWith("closed"));
    }

    @Test
    void theStreamEndingThePublisherIsNotADrop() {
        session.end("taken over by a new publisher");
        assertTrue(slot.events.isEmpty(), "the stream itself ended it: no reconnecting state");
        assertEquals("closed: taken over by a new publisher", session.state());
    }
}
