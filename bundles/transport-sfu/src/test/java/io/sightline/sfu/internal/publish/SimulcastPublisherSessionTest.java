package io.sightline.sfu.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.stream.Rendition;
import io.sightline.rtp.rtcp.RtcpHandler;
import io.sightline.rtp.rtcp.RtcpParser;
import io.sightline.rtp.rtp.RtpHeader;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.sdp.SdpParser;
import io.sightline.rtp.srtp.SrtpContext;
import io.sightline.rtp.srtp.SrtpProfile;
import io.sightline.rtp.srtp.SrtpSession;
import io.sightline.sfu.internal.dtls.DtlsSrtpKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A simulcast publisher's packets as Chromium sends them (decision 0048), SRTP-protected: three VP8 layers, the first
 * packets of each with the RTP stream id extension, later ones with their SSRC only. What the stream gets: the layers
 * announced with their sizes, the stream's own video from the largest, each layer pushed as its rung, keyframe
 * requests for a layer as a PLI to its SSRC, packets of no known layer dropped, and a layer that stops replaced in its
 * rung and in the stream's video by a live layer from that layer's keyframe on.
 */
class SimulcastPublisherSessionTest {
    private static final SrtpProfile PROFILE = SrtpProfile.AEAD_AES_128_GCM;
    private static final int RID_EXTENSION = 10;
    private static final long L = 501;
    private static final long M = 502;
    private static final long H = 503;

    private final RecordingSlot slot = new RecordingSlot();
    private final List<String> rtcp = new ArrayList<>();
    private SfuPublisherSession session;
    private SrtpContext publisherOut;
    private SrtpContext publisherIn;
    private final int[] seq = {1000, 2000, 3000};
    private long ts = 0;

    @BeforeEach
    void connect() throws Exception {
        PublisherNegotiation.Answer answer = new PublisherNegotiation(new Random(2)).answer(
                SdpParser.parseOffer(SimulcastNegotiationTest.simulcastOffer("96 97",
                        SimulcastNegotiationTest.CHROMIUM_LAYERS)), List.of(), Fingerprint.sha256(new byte[32]));
        session = new SfuPublisherSession("p1", "cam", "127.0.0.1", new SfuPublisherSession.Host() {
            @Override
            public String restartIce(io.sightline.sfu.internal.ice.IceSession s) {
                return "";
            }

            @Override
            public void closed(SfuPublisherSession s, io.sightline.sfu.internal.ice.IceSession i) {
            }
        }, slot, answer.video(), answer.audio(), answer.layers(), 77);
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
                public void onPli(long sender, long media) {
                    rtcp.add("PLI " + media);
                }

                @Override
                public void onReportBlock(long sender, io.sightline.rtp.rtcp.ReportBlock block) {
                    rtcp.add("RR " + block.ssrc());
                }
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One VP8 frame in one packet of layer {@code layer} (0 l, 1 m, 2 h), with the rid extension when given. */
    private void frame(int layer, String rid, boolean key) throws Exception {
        long ssrc = new long[] {L, M, H}[layer];
        int width = new int[] {320, 640, 1280}[layer];
        int height = new int[] {180, 360, 720}[layer];
        byte[] vp8 = key
                ? new byte[] {0x10, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a, (byte) width, (byte) (width >> 8),
                        (byte) height, (byte) (height >> 8), (byte) layer}
                : new byte[] {0x31, 9, (byte) layer};
        byte[] payload = new byte[vp8.length + 1];
        payload[0] = 0x10; // VP8 descriptor: start of a partition, PID 0
        System.arraycopy(vp8, 0, payload, 1, vp8.length);
        RtpHeader header = new RtpHeader().payloadType(96).sequenceNumber(seq[layer]++).timestamp(ts).ssrc(ssrc)
                .marker(true);
        if (rid != null) {
            byte[] r = rid.getBytes(StandardCharsets.US_ASCII);
            header.setExtension(RID_EXTENSION, r, 0, r.length);
        }
        byte[] buf = new byte[1500];
        int h = header.write(buf, 0);
        System.arraycopy(payload, 0, buf, h, payload.length);
        int len = publisherOut.protectRtp(buf, 0, h + payload.length);
        session.onRtp(null, ByteBuffer.wrap(buf, 0, len));
    }

    /** One round of frames: each listed layer sends one (first packets name their rid). */
    private void round(boolean key, boolean named, int... layers) throws Exception {
        ts += 3000;
        for (int layer : layers) {
            frame(layer, named ? new String[] {"l", "m", "h"}[layer] : null, key);
        }
    }

    private List<String> layerUnits(String rid) {
        return slot.layerUnits.stream().filter(u -> u.startsWith(rid + " ")).toList();
    }

    @Test
    void layersAreToldApartByRidThenSsrcAndEachFeedsItsRung() throws Exception {
        round(true, true, 0, 1, 2);
        round(false, false, 0, 1, 2);
        round(false, false, 0, 1, 2);
        List<Rendition> announced = slot.layers.get(slot.layers.size() - 1);
        assertEquals(List.of("h", "m", "l"), announced.stream().map(Rendition::layer).toList(), "top first");
        assertEquals(List.of(1280, 640, 320), announced.stream().map(Rendition::width).toList());
        assertTrue(announced.stream().allMatch(r -> r.codec() == Codec.VP8 && r.isLayer()));
        for (String rid : List.of("l", "m", "h")) {
            List<String> units = layerUnits(rid);
            assertEquals(3, units.size(), rid + ": " + slot.layerUnits);
            assertTrue(units.stream().allMatch(u -> u.endsWith(" from " + rid)), "each rung its own layer: " + units);
            assertTrue(units.get(0).contains("key"), units.toString());
        }
        int width = slot.announced.get(slot.announced.size() - 1).get(0).width();
        assertEquals(1280, width, "the stream's own video is the largest layer");
        ByteBuffer last = slot.units.get(slot.units.size() - 1).parts().get(0);
        assertEquals(2, last.get(last.limit() - 1), "the stream's last unit is h's");

        int before = slot.units.size() + slot.layerUnits.size();
        ts += 3000;
        byte[] stray = {0x10, 0x31, 9, 9};
        RtpHeader header = new RtpHeader().payloadType(96).sequenceNumber(7).timestamp(ts).ssrc(999).marker(true);
        byte[] buf = new byte[200];
        int h = header.write(buf, 0);
        System.arraycopy(stray, 0, buf, h, stray.length);
        session.onRtp(null, ByteBuffer.wrap(buf, 0, publisherOut.protectRtp(buf, 0, h + stray.length)));
        frame(1, "x", false);
        assertEquals(before, slot.units.size() + slot.layerUnits.size(),
                "an unknown SSRC without a rid, and an unknown rid, are dropped");
    }

    @Test
    void aKeyframeRequestForALayerIsAPliToItsSsrcAndReportsNameEveryLayer() throws Exception {
        round(true, true, 0, 1, 2);
        long now = System.nanoTime();
        session.tick(now);
        rtcp.clear();
        session.requestKeyframe(slot.layers.get(slot.layers.size() - 1).get(1)); // m
        session.tick(now + 400_000_000L);
        assertTrue(rtcp.contains("PLI " + M), rtcp.toString());
        assertFalse(rtcp.contains("PLI " + L) || rtcp.contains("PLI " + H), rtcp.toString());
        rtcp.clear();
        session.requestKeyframe();
        session.tick(now + 800_000_000L);
        assertEquals(List.of("PLI " + H), rtcp.stream().filter(r -> r.startsWith("PLI")).toList(),
                "the stream's own keyframe requests go to the layer that feeds it");
        session.tick(now + 2_000_000_000L);
        assertTrue(rtcp.containsAll(List.of("RR " + L, "RR " + M, "RR " + H)), "a report per layer: " + rtcp);
    }

    @Test
    void aLayerThatStopsIsReplacedByALiveOneAtItsKeyframe() throws Exception {
        round(true, true, 0, 1, 2);
        round(false, false, 0, 1, 2);
        long stopped = System.nanoTime();
        while (System.nanoTime() - stopped < 1_100_000_000L) {
            round(false, false, 0, 1); // h stopped, as a browser drops its top layer when its estimate falls
            Thread.sleep(50);
        }
        rtcp.clear();
        session.tick(System.nanoTime());
        assertTrue(rtcp.contains("PLI " + M), "m's keyframe is wanted for the stream and h's rung: " + rtcp);
        int hUnits = layerUnits("h").size();
        round(false, false, 0, 1);
        assertEquals(hUnits, layerUnits("h").size(), "no switch before m's keyframe");
        round(true, false, 0, 1);
        round(false, false, 0, 1);
        List<String> h = layerUnits("h");
        assertEquals(hUnits + 2, h.size(), h.toString());
        assertTrue(h.get(hUnits).equals("h 640 key from m"), "h's rung goes on with m from its keyframe: " + h);
        assertEquals(640, slot.announced.get(slot.announced.size() - 1).get(0).width(),
                "the stream's own video is now m's");
        assertEquals(List.of("h", "m", "l"), slot.layers.get(slot.layers.size() - 1).stream().map(Rendition::layer)
                .toList(), "the stopped layer stays a rung: its viewers keep their place");

        round(true, true, 2);
        assertEquals(1280, slot.announced.get(slot.announced.size() - 1).get(0).width(),
                "h is back: the stream's video returns to it at its keyframe");
        assertEquals("h 1280 key from h", layerUnits("h").get(layerUnits("h").size() - 1));
    }
}
