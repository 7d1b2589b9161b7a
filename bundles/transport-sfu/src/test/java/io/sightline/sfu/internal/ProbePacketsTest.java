package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.testing.TestStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Probe packets as a viewer receives them (decision 0044): sent by a real {@link ProbePacer} through a session on a
 * real fan-out, SRTP-protected; each is the last video packet again as RTX, paced at the cluster's rate, without
 * touching the media's sequence numbers; their transport-wide feedback gives the probe's result.
 */
class ProbePacketsTest {
    private TestStream stream;
    private StreamFanout fanout;
    private ProbePacer pacer;
    private final List<Long> sendNanos = new ArrayList<>();

    @BeforeEach
    void start() {
        stream = new TestStream("cam");
        fanout = new StreamFanout(stream);
        fanout.start();
        fanout.onTracks(List.of(Units.VIDEO));
        pacer = new ProbePacer();
    }

    @AfterEach
    void stop() {
        pacer.close();
    }

    private void play(int from, int frames) {
        for (int f = from; f < from + frames; f++) {
            fanout.onMedia(Units.frame(f, f == 0, 900 + f));
        }
    }

    private TestViewer viewer(long rtxSsrc, int rtxPt) {
        return new TestViewer(fanout, 0xa6a6a6a6L, rtxSsrc, 102, rtxPt, 0, 0, p -> {
            synchronized (sendNanos) {
                sendNanos.add(System.nanoTime());
            }
            return true;
        }, 0, PlayoutDelay.parse("0"), 5).connect();
    }

    @Test
    void probePacketsAreTheLastVideoPacketAsRtxPacedAtTheClustersRate() throws Exception {
        TestViewer v = viewer(0xb6b6b6b6L, 103);
        assertTrue(v.session.canProbe());
        play(0, 6);
        List<byte[]> media = v.rtp();
        byte[] last = media.get(media.size() - 1);
        int before = v.wire.size();

        int bytes = 20_000;
        long rate = 2_000_000;
        int cluster = v.session.startProbe(rate);
        assertTrue(pacer.start(v.session, cluster, rate, bytes));
        long deadline = System.nanoTime() + 5_000_000_000L;
        int probeBytes = 0;
        while (probeBytes < bytes && System.nanoTime() < deadline) {
            Thread.sleep(5);
            probeBytes = 0;
            for (int i = before; i < v.wire.size(); i++) {
                probeBytes += v.wire.get(i).length;
            }
        }
        assertTrue(probeBytes >= bytes, "the cluster's bytes went out: " + probeBytes);
        int probes = v.wire.size() - before;
        for (int i = 0; i < probes; i++) {
            byte[] p = v.decryptFresh(v.wire.get(before + i));
            assertEquals(103, TestViewer.payloadType(p));
            assertEquals(0xb6b6b6b6L, TestViewer.ssrc(p));
            assertEquals(5000 + i, TestViewer.seq(p), "RTX numbering, one after the other");
            assertEquals(TestViewer.timestamp(last), TestViewer.timestamp(p));
            byte[] payload = TestViewer.payload(p);
            assertEquals(TestViewer.seq(last), ((payload[0] & 0xff) << 8) | (payload[1] & 0xff), "original seq");
            byte[] original = TestViewer.payload(last);
            assertArrayEquals(original, java.util.Arrays.copyOfRange(payload, 2, payload.length));
        }
        long span;
        synchronized (sendNanos) {
            span = sendNanos.get(sendNanos.size() - 1) - sendNanos.get(before);
        }
        long expected = (long) (probeBytes - v.wire.get(v.wire.size() - 1).length) * 8_000_000_000L / rate;
        assertTrue(span >= 0.8 * expected, "paced: " + span / 1000 + " us for " + expected / 1000 + " us at the rate");

        // The media goes on where it was: the probes took no sequence number of it.
        play(6, 3);
        List<byte[]> after = v.rtp().stream().filter(p -> TestViewer.payloadType(p) == 102).toList();
        for (int i = 1; i < after.size(); i++) {
            assertEquals((TestViewer.seq(after.get(i - 1)) + 1) & 0xffff, TestViewer.seq(after.get(i)));
        }

        // Feedback: every packet arrived, the probe's as fast as it was sent: a 2 Mbit/s result, and the estimate.
        int mediaPackets = media.size();
        long t = 1_000_000;
        for (int seq = 0; seq < mediaPackets; seq++) {
            v.session.onTransportCcStatus(seq, true);
            v.session.onTransportCcArrival(seq, t += 33_000);
        }
        for (int i = 0; i < probes; i++) {
            int seq = mediaPackets + i;
            v.session.onTransportCcStatus(seq, true);
            v.session.onTransportCcArrival(seq, t += v.wire.get(before + i).length * 8_000_000L / rate);
        }
        v.session.rtcpParsed(System.nanoTime());
        long result = v.session.probeResultBps(cluster);
        // The result is the rate the packets really left at (arriving as fast): on a busy machine the probe thread
        // wakes late and the cluster takes longer than planned. The session stamps a packet a moment before the wire
        // callback does, and a preemption between the two shifts this test's span of ~17 packets: hence +-25 %.
        long sentAt = Math.min(rate, expected * rate / Math.max(1, span));
        assertTrue(result >= 0.75 * sentAt && result <= 1.25 * sentAt, "probe result " + result + ", sent over "
                + span / 1000 + " us for " + expected / 1000 + " us at the rate");
        if (result >= 0.9 * rate) { // a probe that reached its target (0.88 x) lifts the estimate
            assertTrue(v.session.stats().bandwidthEstimateBps() >= result, "estimate " + v.session.stats());
        }
    }

    @Test
    void aViewerWithoutRtxIsNotProbedAndNoPacketGoesBeforeTheFirstMediaPacket() throws Exception {
        TestViewer plain = viewer(0, -1);
        assertFalse(plain.session.canProbe());
        assertEquals(-1, plain.session.sendProbePacket(plain.session.startProbe(1_000_000)));

        TestViewer fresh = viewer(0xb7b7b7b7L, 103);
        assertEquals(-1, fresh.session.sendProbePacket(fresh.session.startProbe(1_000_000)), "nothing to repeat yet");
        assertEquals(0, fresh.wire.size());
    }
}
