package io.sightline.sfu.internal.ice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.stun.StunMessage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ICE-lite server over real sockets on 127.0.0.1. */
class IceServerTest {

    private static final String UFRAG = "srvU";
    private static final String PWD = "serverpassword0123456789";
    private static final byte[] RTCP_RR = {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 42};
    private static final byte[] RTP = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 1, 2, 3};

    private IceServer server;
    private RecordingListener listener;
    private IceSession session;

    @BeforeEach
    void start() throws Exception {
        server = IceServer.start(IceServerConfig.loopback());
        listener = new RecordingListener();
        session = server.register(UFRAG, PWD, listener);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersValidBindingRequestAndRoutesMedia() throws Exception {
        try (StunClient client = new StunClient(server.udpAddress())) {
            byte[] request = StunClient.bindingRequest(UFRAG + ":cliU", PWD, true);
            StunMessage requestMessage = StunMessage.parse(request, 0, request.length);
            client.send(request);
            byte[] raw = client.receive();
            assertNotNull(raw, "no binding response");
            StunMessage response = StunMessage.parse(raw, 0, raw.length);
            assertEquals(StunMessage.BINDING_SUCCESS, response.messageType());
            assertArrayEquals(requestMessage.transactionId(), response.transactionId());
            assertEquals(client.localAddress(), response.xorMappedAddress());
            assertTrue(response.verifyMessageIntegrity(PWD.getBytes(StandardCharsets.US_ASCII)));
            assertTrue(response.verifyFingerprint());

            IcePath path = listener.selected.poll(2, TimeUnit.SECONDS);
            assertNotNull(path);
            assertEquals(client.localAddress(), path.remoteAddress());
            assertEquals("udp", path.protocol());
            assertTrue(session.isNominated());

            client.send(RTCP_RR);
            client.send(RTP);
            byte[] dtls = {22, (byte) 0xFE, (byte) 0xFD, 0, 0};
            client.send(dtls);
            assertArrayEquals(RTCP_RR, listener.rtcp.poll(2, TimeUnit.SECONDS));
            assertArrayEquals(RTP, listener.rtp.poll(2, TimeUnit.SECONDS));
            assertArrayEquals(dtls, listener.dtls.poll(2, TimeUnit.SECONDS));

            assertTrue(session.send(ByteBuffer.wrap(RTP)));
            assertArrayEquals(RTP, client.receive());
            assertEquals(1, server.stats().bindingRequests());
        }
    }

    @Test
    void rejectsUnknownUfragBadIntegrityAndGarbageThenKeepsServing() throws Exception {
        try (StunClient client = new StunClient(server.udpAddress())) {
            assertNull(client.bind("nobody:cliU", PWD, true), "unknown ufrag answered");
            assertNull(client.bind(UFRAG + ":cliU", "not-the-password-at-all", true), "bad integrity answered");
            byte[] corrupted = StunClient.bindingRequest(UFRAG + ":cliU", PWD, true);
            corrupted[corrupted.length - 1] ^= 1; // breaks FINGERPRINT
            client.send(corrupted);
            client.send(new byte[] {0, 1, 0, 0, 1, 2, 3});           // truncated STUN
            client.send(new byte[] {(byte) 0xFF, 1, 2, 3, 4, 5, 6, 7}); // no RFC 7983 range
            client.send(new byte[0]);
            client.send(RTCP_RR); // valid RTCP, but from an address no binding validated
            assertNull(client.receive(), "something answered garbage");
            assertTrue(listener.rtcp.isEmpty());
            assertNull(session.selectedPath());

            StunMessage ok = client.bind(UFRAG + ":cliU", PWD, false);
            assertNotNull(ok, "server stopped serving after garbage");
            assertEquals(StunMessage.BINDING_SUCCESS, ok.messageType());

            IceStats stats = server.stats();
            assertEquals(1, stats.unknownUfrag());
            assertEquals(2, stats.badCredentials());
            assertTrue(stats.garbage() >= 3, "garbage " + stats.garbage());
            assertEquals(1, stats.unknownAddress());
            assertEquals(1, stats.bindingRequests());
        }
    }

    @Test
    void roleConflictGets487AndNoBinding() throws Exception {
        try (StunClient client = new StunClient(server.udpAddress())) {
            client.send(io.sightline.rtp.stun.StunMessageBuilder.bindingRequest().addUsername(UFRAG + ":c")
                    .addIceControlled(1).addMessageIntegrity(PWD).addFingerprint().build());
            byte[] raw = client.receive();
            StunMessage response = StunMessage.parse(raw, 0, raw.length);
            assertEquals(StunMessage.BINDING_ERROR, response.messageType());
            assertEquals(487, response.errorCode());
            assertNull(session.selectedPath());
        }
    }

    @Test
    void iceRestartSwitchesCredentials() throws Exception {
        server.restart(session, "newU", "newpassword0123456789xyz");
        try (StunClient client = new StunClient(server.udpAddress())) {
            assertNull(client.bind(UFRAG + ":c", PWD, true));
            assertNotNull(client.bind("newU:c", "newpassword0123456789xyz", true));
        }
        assertEquals("newU", session.localUfrag());
        assertThrows(IllegalStateException.class, () -> server.register("newU", "x", listener));
        server.unregister(session);
        assertEquals(0, server.sessionCount());
    }

    @Test
    void unregisteredSessionNoLongerReceives() throws Exception {
        try (StunClient client = new StunClient(server.udpAddress())) {
            assertNotNull(client.bind(UFRAG + ":c", PWD, true));
            server.unregister(session);
            client.send(RTCP_RR);
            assertNull(client.bind(UFRAG + ":c", PWD, true));
            assertNull(listener.rtcp.poll(200, TimeUnit.MILLISECONDS));
            assertFalse(session.send(ByteBuffer.wrap(RTP)));
        }
    }

    @Test
    void consentExpiresWithoutBindingRequests() throws Exception {
        server.close();
        server = IceServer.start(IceServerConfig.loopback().withConsentTimeout(Duration.ofMillis(500)));
        RecordingListener fresh = new RecordingListener();
        IceSession s = server.register(UFRAG, PWD, fresh);
        try (StunClient client = new StunClient(server.udpAddress())) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
            while (System.nanoTime() < until) {
                assertNotNull(client.bind(UFRAG + ":c", PWD, true));
                Thread.sleep(50);
            }
            assertEquals(1, fresh.expired.getCount(), "expired despite fresh consent");
            assertTrue(s.send(ByteBuffer.wrap(RTP)));
            assertTrue(fresh.expired.await(3, TimeUnit.SECONDS), "consent expiry not reported");
            assertTrue(s.isConsentExpired());
            assertFalse(s.send(ByteBuffer.wrap(RTP)), "sent after consent expired");
        }
    }

    @Test
    void iceTcpFramingRoundTrip() throws Exception {
        try (Socket socket = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
            socket.setSoTimeout(2000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] request = StunClient.bindingRequest(UFRAG + ":c", PWD, true);
            writeFrame(out, request);
            byte[] raw = readFrame(in);
            StunMessage response = StunMessage.parse(raw, 0, raw.length);
            assertEquals(StunMessage.BINDING_SUCCESS, response.messageType());
            assertTrue(response.verifyMessageIntegrity(PWD.getBytes(StandardCharsets.US_ASCII)));
            assertEquals(socket.getLocalSocketAddress(), response.xorMappedAddress());

            IcePath path = listener.selected.poll(2, TimeUnit.SECONDS);
            assertEquals("tcp", path.protocol());
            writeFrame(out, RTCP_RR);
            assertArrayEquals(RTCP_RR, listener.rtcp.poll(2, TimeUnit.SECONDS));
            assertTrue(session.send(ByteBuffer.wrap(RTP)));
            assertArrayEquals(RTP, readFrame(in));
        }
    }

    @Test
    void iceTcpConnectionWithoutValidFirstRequestIsClosed() throws Exception {
        try (Socket socket = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
            socket.setSoTimeout(2000);
            writeFrame(new DataOutputStream(socket.getOutputStream()), RTCP_RR);
            assertThrows(EOFException.class, () -> readFrame(new DataInputStream(socket.getInputStream())));
        }
        try (Socket socket = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
            socket.setSoTimeout(2000);
            writeFrame(new DataOutputStream(socket.getOutputStream()),
                    StunClient.bindingRequest("nobody:c", PWD, true));
            assertThrows(EOFException.class, () -> readFrame(new DataInputStream(socket.getInputStream())));
        }
        assertTrue(listener.rtcp.isEmpty());
    }

    @Test
    void silentIceTcpConnectionsAtTheLimitMakeRoomForAViewerAndBoundOnesStay() throws Exception {
        // The loopback configuration allows 16 connections. A viewer binds first, then 40 connections that never
        // send anything (a slow flood) fill the rest and overflow it.
        try (Socket viewer = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
            viewer.setSoTimeout(2000);
            DataOutputStream viewerOut = new DataOutputStream(viewer.getOutputStream());
            writeFrame(viewerOut, StunClient.bindingRequest(UFRAG + ":c", PWD, true));
            readFrame(new DataInputStream(viewer.getInputStream()));
            List<Socket> silent = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    silent.add(new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort()));
                }
                // A second viewer arriving now still gets its answer: the oldest silent connection made room.
                RecordingListener second = new RecordingListener();
                server.register("two", PWD, second);
                try (Socket late = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
                    late.setSoTimeout(2000);
                    writeFrame(new DataOutputStream(late.getOutputStream()), StunClient.bindingRequest("two:c", PWD, true));
                    byte[] raw = readFrame(new DataInputStream(late.getInputStream()));
                    assertEquals(StunMessage.BINDING_SUCCESS, StunMessage.parse(raw, 0, raw.length).messageType());
                }
                // The first viewer, bound before the flood, was never evicted: it still reaches its session.
                writeFrame(viewerOut, RTCP_RR);
                assertArrayEquals(RTCP_RR, listener.rtcp.poll(2, TimeUnit.SECONDS));
                int closed = 0;
                for (Socket s : silent) {
                    s.setSoTimeout(50);
                    try {
                        if (s.getInputStream().read() < 0) {
                            closed++;
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // still open
                    } catch (java.io.IOException e) {
                        closed++;
                    }
                }
                assertTrue(closed >= 40 + 2 - 16, closed + " silent connections closed to make room");
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    void candidatesListUdpBeforeTcpWithPublicAddress() throws Exception {
        server.close();
        InetAddress publicIp = InetAddress.getByName("203.0.113.7");
        server = IceServer.start(IceServerConfig.loopback().withPublicAddress(publicIp));
        List<IceCandidate> candidates = server.candidates();
        assertEquals(4, candidates.size(), candidates.toString());
        int udpPort = server.udpAddress().getPort();
        int tcpPort = server.tcpAddress().getPort();
        IceCandidate first = candidates.get(0);
        assertEquals("203.0.113.7", first.address());
        assertEquals("candidate:" + first.foundation() + " 1 udp 2130706431 203.0.113.7 " + udpPort + " typ host",
                first.toSdp());
        assertEquals(InetAddress.getLoopbackAddress().getHostAddress(), candidates.get(1).address());
        assertEquals(udpPort, candidates.get(1).port());
        IceCandidate tcp = candidates.get(2);
        assertEquals("candidate:" + tcp.foundation() + " 1 tcp " + tcp.priority() + " 203.0.113.7 " + tcpPort
                + " typ host tcptype passive", tcp.toSdp());
        assertTrue(candidates.get(1).priority() > tcp.priority(), "TCP must rank below UDP");
        assertTrue(first.priority() > candidates.get(1).priority());
        assertFalse(first.foundation().equals(candidates.get(1).foundation()));
        assertFalse(first.foundation().equals(tcp.foundation()));
    }

    private static void writeFrame(DataOutputStream out, byte[] data) throws Exception {
        out.writeShort(data.length);
        out.write(data);
        out.flush();
    }

    private static byte[] readFrame(DataInputStream in) throws Exception {
        byte[] data = new byte[in.readUnsignedShort()];
        in.readFully(data);
        return data;
    }
}
