package io.sightline.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.StringJoiner;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The P2P transport as an operator uses it: installed at run time as a feature, it answers WHEP offers for a stream
 * configured {@code transport.mode = p2p} with libwebrtc's own (full ICE) answer; uninstalled, it closes its viewers
 * and WHEP answers 503; installed again in the same JVM (libwebrtc mapped a second time), it answers again. The core
 * is never restarted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class P2pTransportFeatureIT {
    private static final String FEATURE = "sightline-transport-p2p";
    private static final String P2P_BUNDLE = "io.sightline.transport.p2p";
    private static final String NATIVES_BUNDLE = "io.sightline.webrtc.natives";
    private static final String STREAM = "p2pit";
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configurations;
    @Inject
    private FeaturesService features;
    @Inject
    private SessionRegistry sessions;

    /** The container of {@link SightlineDistributionIT}, with libwebrtc's media ports in a fixed, small range. */
    @Configuration
    public Option[] config() throws IOException {
        return OptionUtils.combine(new SightlineDistributionIT().config(),
                editConfigurationFilePut("etc/io.sightline.transport.p2p.cfg", "port.min", "9380"),
                editConfigurationFilePut("etc/io.sightline.transport.p2p.cfg", "port.max", "9399"));
    }

    @Test
    public void a_featureRoundTripWithoutRestart() throws Exception {
        org.osgi.service.cm.Configuration stream = configurations.getFactoryConfiguration("io.sightline.stream",
                STREAM, "?");
        stream.update(streamProperties());
        long coreBundle = bundle("io.sightline.core").getBundleId();
        try {
            // Not a boot feature: until it is installed, WHEP has no transport for this stream.
            WhepAnswer before = Await.until("WHEP to answer for " + STREAM, CHANGE_TIMEOUT, this::post,
                    a -> a.status() != 404);
            assertEquals(before.body(), 503, before.status());

            features.installFeature(FEATURE);
            WhepAnswer first = Await.until("a P2P answer", CHANGE_TIMEOUT, this::post, a -> a.status() == 201);
            assertP2pAnswer(first.body());
            List<ViewerSession> open = sessions.sessions(STREAM);
            assertEquals(1, open.size());
            assertEquals("p2p", open.get(0).transportMode());

            features.uninstallFeature(FEATURE);
            assertNull("P2P bundle still installed", findBundle(P2P_BUNDLE));
            assertNull("natives bundle still installed", findBundle(NATIVES_BUNDLE));
            assertEquals("closed", open.get(0).state());
            assertTrue("the viewer's session was closed", sessions.sessions(STREAM).isEmpty());
            assertEquals(503, post().status());

            features.installFeature(FEATURE);
            assertNotNull(findBundle(NATIVES_BUNDLE));
            WhepAnswer again = Await.until("a P2P answer after reinstalling", CHANGE_TIMEOUT, this::post,
                    a -> a.status() == 201);
            assertP2pAnswer(again.body());
            assertEquals("the core was not restarted", coreBundle, bundle("io.sightline.core").getBundleId());
            assertEquals(Bundle.ACTIVE, bundle("io.sightline.core").getState());
        } finally {
            sessions.sessions(STREAM).forEach(ViewerSession::close);
            features.uninstallFeature(FEATURE);
            stream.delete();
        }
    }

    private static void assertP2pAnswer(String sdp) {
        assertTrue(sdp, sdp.startsWith("v=0"));
        assertTrue("libwebrtc answers with full ICE, not the SFU's ICE-lite: " + sdp, !sdp.contains("a=ice-lite"));
        assertTrue("host candidates in the ports configured: " + sdp, sdp.matches("(?s).*a=candidate:\\S+ 1 udp \\d+ "
                + "\\S+ 93[89]\\d typ host.*"));
        assertTrue(sdp, sdp.contains("a=sendonly"));
        assertFalse(sdp, sdp.contains("m=video 0 "));
    }

    private WhepAnswer post() {
        try {
            int port = Integer.parseInt(System.getProperty("sightline.itest.http.port"));
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/whep/" + STREAM)
                    .openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/sdp");
            try (OutputStream out = c.getOutputStream()) {
                out.write(offer().getBytes(StandardCharsets.UTF_8));
            }
            int status = c.getResponseCode();
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (in != null) {
                in.transferTo(body);
                in.close();
            }
            return new WhepAnswer(status, body.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new WhepAnswer(-1, e.toString());
        }
    }

    /** A browser-like receive-only offer (VP8 with RTX, H.264), with a fresh DTLS fingerprint. */
    private static String offer() {
        byte[] fp = new byte[32];
        new SecureRandom().nextBytes(fp);
        StringJoiner hex = new StringJoiner(":");
        for (byte b : fp) {
            hex.add(String.format("%02X", b));
        }
        return String.join("\r\n", "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                "a=group:BUNDLE 0", "a=msid-semantic: WMS", "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102",
                "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
                "a=ice-options:trickle", "a=fingerprint:sha-256 " + hex, "a=setup:actpass", "a=mid:0", "a=recvonly",
                "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
                "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96", "a=rtpmap:102 H264/90000",
                "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", "");
    }

    private static Hashtable<String, Object> streamProperties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("name", STREAM);
        p.put("source.type", "testpattern");
        p.put("source.width", "320");
        p.put("source.height", "240");
        p.put("transport.mode", "p2p");
        p.put("access", "public");
        return p;
    }

    private Bundle bundle(String symbolicName) {
        Bundle b = findBundle(symbolicName);
        assertNotNull("bundle " + symbolicName + " is not installed", b);
        return b;
    }

    private Bundle findBundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private record WhepAnswer(int status, String body) {
    }
}
