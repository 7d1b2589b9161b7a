package io.sightline.sfu.internal.dtls;

import io.sightline.rtp.dtls.DtlsCertificate;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.srtp.SrtpProfile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.sfu.internal.ice.IceServer;
import io.sightline.sfu.internal.ice.IceServerConfig;
import io.sightline.sfu.internal.ice.IceSession;
import io.sightline.sfu.internal.ice.IceSessionListener;
import io.sightline.rtp.stun.StunMessage;
import io.sightline.rtp.stun.StunMessageBuilder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A BouncyCastle DTLS client handshakes with the DTLS server through the real UDP ICE server after STUN. */
class DtlsOverIceTest {

    private static final String UFRAG = "dtlsU";
    private static final String PWD = "dtlspassword0123456789ab";

    private static DtlsServer dtlsServer;
    private static DtlsCertificate clientCertificate;
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    private IceServer ice;
    private IceSession iceSession;
    private DtlsSession dtlsSession;

    @BeforeAll
    static void certificates() {
        dtlsServer = new DtlsServer(2, Duration.ofSeconds(5));
        clientCertificate = DtlsCertificate.generate(new SecureRandom());
    }

    @AfterAll
    static void stopDtls() {
        dtlsServer.close();
    }

    @BeforeEach
    void startIce() throws IOException {
        ice = IceServer.start(IceServerConfig.loopback());
    }

    @AfterEach
    void stopIce() {
        if (dtlsSession != null) {
            dtlsSession.close();
        }
        ice.close();
    }

    /** Registers an ICE session whose DTLS records feed a DTLS session expecting {@code peer}. */
    private void session(Fingerprint peer) {
        AtomicReference<DtlsSession> holder = new AtomicReference<>();
        iceSession = ice.register(UFRAG, PWD, new IceSessionListener() {
            @Override
            public void onDtls(IceSession s, ByteBuffer datagram) {
                holder.get().onDatagram(datagram);
            }
        });
        dtlsSession = dtlsServer.newSession(peer, iceSession::send, new DtlsListener() {
            @Override
            public void onHandshakeComplete(DtlsSession s, DtlsSrtpKeys keys) {
                outcomes.add(keys);
            }

            @Override
            public void onHandshakeFailed(DtlsSession s, Exception cause) {
                outcomes.add(cause);
            }

            @Override
            public void onClosed(DtlsSession s) {
                outcomes.add("closed");
            }
        });
        holder.set(dtlsSession);
    }

    /** A UDP socket that has done its ICE connectivity check with the server. */
    private DatagramSocket iceConnectedSocket() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.connect(ice.udpAddress());
        socket.setSoTimeout(2000);
        byte[] request = StunMessageBuilder.bindingRequest().addUsername(UFRAG + ":cli").addPriority(100)
                .addIceControlling(7).addUseCandidate().addMessageIntegrity(PWD).addFingerprint().build();
        socket.send(new DatagramPacket(request, request.length));
        byte[] buf = new byte[1500];
        DatagramPacket response = new DatagramPacket(buf, buf.length);
        socket.receive(response);
        StunMessage message = StunMessage.parse(buf, 0, response.getLength());
        assertEquals(StunMessage.BINDING_SUCCESS, message.messageType());
        return socket;
    }

    private TestDtlsClient client(int... profiles) {
        return new TestDtlsClient(new BcTlsCrypto(new SecureRandom()), clientCertificate, dtlsServer.fingerprint(),
                profiles);
    }

    @Test
    void handshakeExportsIdenticalKeysAndPrefersGcm() throws Exception {
        session(clientCertificate.fingerprint());
        try (DatagramSocket socket = iceConnectedSocket()) {
            TestDtlsClient client = client(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
                    SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM);
            DTLSTransport transport = new DTLSClientProtocol().connect(client, new UDPTransport(socket, 1500));

            Object outcome = outcomes.poll(5, TimeUnit.SECONDS);
            DtlsSrtpKeys keys = assertInstanceOfKeys(outcome);
            assertEquals(SrtpProfile.AEAD_AES_128_GCM, keys.profile());
            assertEquals(SrtpProfile.AEAD_AES_128_GCM, client.profile);
            assertEquals(56, keys.keyingMaterial().length);
            assertArrayEquals(client.keyingMaterial, keys.keyingMaterial());
            assertEquals(DtlsSession.State.CONNECTED, dtlsSession.state());

            // The peer's close_notify ends the association on the server side.
            transport.close();
            assertEquals("closed", outcomes.poll(5, TimeUnit.SECONDS));
            assertEquals(DtlsSession.State.CLOSED, dtlsSession.state());
        }
    }

    @Test
    void negotiatesAesCmWhenThatIsAllTheClientOffers() throws Exception {
        session(clientCertificate.fingerprint());
        try (DatagramSocket socket = iceConnectedSocket()) {
            TestDtlsClient client = client(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
            new DTLSClientProtocol().connect(client, new UDPTransport(socket, 1500));
            DtlsSrtpKeys keys = assertInstanceOfKeys(outcomes.poll(5, TimeUnit.SECONDS));
            assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, keys.profile());
            assertEquals(60, keys.keyingMaterial().length);
            assertArrayEquals(client.keyingMaterial, keys.keyingMaterial());
            assertArrayEquals(java.util.Arrays.copyOfRange(client.keyingMaterial, 16, 32), keys.serverWriteKey());
            assertArrayEquals(java.util.Arrays.copyOfRange(client.keyingMaterial, 46, 60), keys.serverWriteSalt());
        }
    }

    @Test
    void clientWithWrongFingerprintIsRejected() throws Exception {
        DtlsCertificate other = DtlsCertificate.generate(new SecureRandom());
        session(other.fingerprint());
        try (DatagramSocket socket = iceConnectedSocket()) {
            TestDtlsClient client = client(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM);
            assertThrows(IOException.class,
                    () -> new DTLSClientProtocol().connect(client, new UDPTransport(socket, 1500)));
            Object outcome = outcomes.poll(5, TimeUnit.SECONDS);
            assertTrue(outcome instanceof Exception, "expected a failure, got " + outcome);
            assertEquals(DtlsSession.State.FAILED, dtlsSession.state());
            assertNull(dtlsSession.keys());
        }
    }

    @Test
    void theServersFingerprintIsTheSha256OfItsCertificateInSdpForm() {
        String sdp = dtlsServer.fingerprint().toSdp();
        assertTrue(sdp.matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"), sdp);
        assertTrue(dtlsServer.fingerprint().matches(dtlsServer.certificate().encoded()));
        // parsing and the other hashes: rtp's FingerprintTest
    }

    private static DtlsSrtpKeys assertInstanceOfKeys(Object outcome) {
        if (outcome instanceof Exception e) {
            throw new AssertionError("handshake failed", e);
        }
        assertNotNull(outcome, "no handshake outcome");
        return (DtlsSrtpKeys) outcome;
    }
}
