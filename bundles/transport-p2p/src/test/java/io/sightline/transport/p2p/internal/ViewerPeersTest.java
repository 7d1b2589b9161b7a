package io.sightline.transport.p2p.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.stream.StreamState;
import io.sightline.api.transport.SessionRequest;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportException.Reason;
import io.sightline.testing.TestStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The P2P engine against a real libwebrtc viewer in the same JVM: pictures from the stream arrive decoded at the
 * viewer, capacity and codec limits answer the right refusal, and closing releases the subscription.
 */
class ViewerPeersTest {
    private static final P2pSettings SETTINGS = new P2pSettings(2, List.of("VP8", "H264"), List.of(), 0, 0, false,
            2000, 2000);
    private ViewerPeers peers;

    @BeforeEach
    void start() {
        peers = new ViewerPeers(SETTINGS);
    }

    @AfterEach
    void stop() {
        peers.close();
    }

    @Test
    void aViewerDecodesTheStreamsPictures() throws Exception {
        TestStream stream = PictureStream.painting("cam", 320, 240, 30);
        try (LibwebrtcViewer viewer = new LibwebrtcViewer()) {
            PeerSession session = peers.open(stream, new SessionRequest(viewer.offer(), "127.0.0.1", "anonymous"));
            assertEquals("p2p", session.transportMode());
            assertTrue(session.answerSdp().contains("a=candidate:"), "non-trickle answer with candidates");
            assertTrue(session.answerSdp().contains("a=sendonly"), session.answerSdp());
            assertTrue(session.answerSdp().matches("(?s).*m=video \\d+ [A-Z/]+ (96|97|98|99|1\\d\\d).*"));
            viewer.answer(session.answerSdp());

            long deadline = System.currentTimeMillis() + 10_000;
            while (viewer.framesReceived.get() < 15 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(viewer.framesReceived.get() >= 15, "frames decoded by the viewer: "
                    + viewer.framesReceived.get());
            assertEquals(320, viewer.lastWidth);
            assertEquals("connected", session.state());
            assertTrue(session.stats().packetsSent() > 0, "outbound-rtp stats: " + session.stats());

            AtomicInteger closedCalls = new AtomicInteger();
            session.onClosed(closedCalls::incrementAndGet);
            session.close();
            session.close();
            assertEquals(1, closedCalls.get());
            assertEquals(0, stream.openSubscriptions(), "closing the session ends its subscription");
            assertEquals("closed", session.state());
            assertTrue(peers.sessions().isEmpty());
        }
    }

    @Test
    void onlyTheConfiguredCodecIsAnswered() throws Exception {
        peers.update(new P2pSettings(2, List.of("H264"), List.of(), 0, 0, false, 2000, 2000));
        try (LibwebrtcViewer viewer = new LibwebrtcViewer()) {
            PeerSession session = peers.open(PictureStream.painting("cam", 160, 120, 15),
                    new SessionRequest(viewer.offer(), "127.0.0.1", "anonymous"));
            String answer = session.answerSdp();
            assertTrue(answer.contains(" H264/90000"), answer);
            assertTrue(!answer.contains(" VP8/90000") && !answer.contains(" VP9/90000"), answer);
            session.close();
        }
    }

    @Test
    void beyondTheLimitPerStreamTheAnswerIsAtCapacity() throws Exception {
        TestStream stream = PictureStream.painting("busy", 160, 120, 15);
        try (LibwebrtcViewer a = new LibwebrtcViewer(); LibwebrtcViewer b = new LibwebrtcViewer();
                LibwebrtcViewer c = new LibwebrtcViewer(); LibwebrtcViewer d = new LibwebrtcViewer()) {
            peers.open(stream, new SessionRequest(a.offer(), "127.0.0.1", "anonymous"));
            peers.open(stream, new SessionRequest(b.offer(), "127.0.0.1", "anonymous"));
            TransportException refused = assertThrows(TransportException.class,
                    () -> peers.open(stream, new SessionRequest(c.offer(), "127.0.0.1", "anonymous")));
            assertEquals(Reason.AT_CAPACITY, refused.reason());
            assertEquals(2, stream.openSubscriptions(), "the refused viewer holds no subscription");
            // Another stream has its own limit.
            peers.open(PictureStream.painting("other", 160, 120, 15),
                    new SessionRequest(d.offer(), "127.0.0.1", "anonymous"));
        }
        assertEquals(3, peers.sessions().size());
    }

    @Test
    void aStreamWithoutPicturesIsRefusedAndReleased() throws Exception {
        TestStream starting = PictureStream.silent("cold", StreamState.STARTING);
        TestStream passthrough = PictureStream.silent("rtsp", StreamState.LIVE);
        try (LibwebrtcViewer viewer = new LibwebrtcViewer()) {
            String offer = viewer.offer();
            assertEquals(Reason.STREAM_NOT_LIVE, assertThrows(TransportException.class,
                    () -> peers.open(starting, new SessionRequest(offer, "127.0.0.1", "anonymous"))).reason());
            assertEquals(Reason.NOT_ACCEPTABLE, assertThrows(TransportException.class,
                    () -> peers.open(passthrough, new SessionRequest(offer, "127.0.0.1", "anonymous"))).reason());
        }
        assertEquals(0, starting.openSubscriptions() + passthrough.openSubscriptions());
    }

    @Test
    void offersWithoutAUsableVideoLineAreRefusedBeforeAnyNativeWork() {
        TestStream stream = PictureStream.painting("cam", 160, 120, 15);
        assertEquals(Reason.MALFORMED_OFFER, assertThrows(TransportException.class,
                () -> peers.open(stream, new SessionRequest("hello", "127.0.0.1", "anonymous"))).reason());
        String audioOnly = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=recvonly\r\n";
        assertEquals(Reason.NOT_ACCEPTABLE, assertThrows(TransportException.class,
                () -> peers.open(stream, new SessionRequest(audioOnly, "127.0.0.1", "anonymous"))).reason());
        assertEquals(0, stream.openSubscriptions());
    }
}
