package io.sightline.sfu.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportException.Reason;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.sdp.SdpParser;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The simulcast part of a WHIP answer (decision 0048): Chromium's offer for {@code sendEncodings} with rids l, m, h is
 * answered with each rid {@code recv}, {@code a=simulcast:recv} in the same order and the mid / RTP stream id /
 * repaired RTP stream id extensions under the offer's ids; malformed rid and simulcast lines are a precise 400.
 */
class SimulcastNegotiationTest {
    private static final Fingerprint SERVER = Fingerprint.sha256(new byte[32]);
    private static final List<IceCandidate> CANDIDATES = List.of(IceCandidate.hostUdp("1", "127.0.0.1", 18189));
    static final String EXTENSIONS = "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
            + "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
            + "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n";
    static final String CHROMIUM_LAYERS = EXTENSIONS + "a=rid:l send\r\na=rid:m send\r\na=rid:h send\r\n"
            + "a=simulcast:send l;m;h\r\n";
    private final PublisherNegotiation negotiation = new PublisherNegotiation(new Random(1));

    /** Chromium's offer with the given lines at the end of its video section (the last section). */
    static String simulcastOffer(String videoFormats, String lines) {
        return ChromeOffers.offer("sendonly", "actpass", true, videoFormats).replace("a=ssrc:2222 cname:x\r\n", "")
                + lines;
    }

    private PublisherNegotiation.Answer answer(String offer) throws Exception {
        return negotiation.answer(SdpParser.parseOffer(offer), CANDIDATES, SERVER);
    }

    @Test
    void chromiumsThreeLayersAreAnsweredRecvWithTheExtensions() throws Exception {
        PublisherNegotiation.Answer a = answer(simulcastOffer("96 97 102 106 108", CHROMIUM_LAYERS));
        assertEquals(List.of("l", "m", "h"), a.layers().rids());
        assertEquals(10, a.layers().ridExtension());
        String sdp = a.answerSdp();
        String video = sdp.substring(sdp.indexOf("m=video"));
        for (String line : List.of("a=rid:l recv", "a=rid:m recv", "a=rid:h recv", "a=simulcast:recv l;m;h",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
                "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id")) {
            assertTrue(video.contains(line + "\r\n"), line + " in " + video);
        }
        assertTrue(video.contains("a=recvonly"), video);
        assertTrue(video.contains("a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f;"
                + "x-google-start-bitrate=1500\r\n"), "the sender starts high enough for its top layer: " + video);
        assertFalse(sdp.substring(0, sdp.indexOf("m=video")).contains("a=rid"), "nothing in the audio section");
    }

    @Test
    void anOfferWithoutSimulcastIsAnsweredAsBefore() throws Exception {
        PublisherNegotiation.Answer a = answer(ChromeOffers.chrome());
        assertNull(a.layers());
        assertFalse(a.answerSdp().contains("a=rid") || a.answerSdp().contains("a=simulcast")
                || a.answerSdp().contains("a=extmap"), a.answerSdp());
        PublisherNegotiation.Answer ridOnly = answer(simulcastOffer("96 97 102 106 108", "a=rid:x send\r\n"));
        assertNull(ridOnly.layers(), "a rid without a=simulcast only restricts the one stream");
    }

    @Test
    void pausedLayersAndAlternativesAreTakenAsWritten() throws Exception {
        PublisherNegotiation.Answer a = answer(simulcastOffer("96 97", EXTENSIONS
                + "a=rid:q send pt=96;max-width=320\r\na=rid:f send\r\na=rid:f2 send\r\na=simulcast:send ~q;f,f2\r\n"));
        assertEquals(List.of("q", "f"), a.layers().rids(), "the first alternative of each layer");
    }

    @Test
    void malformedLayersAreA400NamingTheProblem() {
        Map<String, String> refused = Map.of(
                "no a=rid line declares", EXTENSIONS + "a=rid:l send\r\na=simulcast:send l;h\r\n",
                "is 'recv' but a=simulcast sends it", EXTENSIONS + "a=rid:l recv\r\na=simulcast:send l\r\n",
                "declared twice", EXTENSIONS + "a=rid:l send\r\na=rid:l send\r\na=simulcast:send l\r\n",
                "needs the header extension", "a=rid:l send\r\na=rid:h send\r\na=simulcast:send l;h\r\n",
                "and nothing it receives", EXTENSIONS + "a=rid:l send\r\na=simulcast:send l recv l\r\n",
                "at most 4", EXTENSIONS + "a=rid:a send\r\na=rid:b send\r\na=rid:c send\r\na=rid:d send\r\n"
                        + "a=rid:e send\r\na=simulcast:send a;b;c;d;e\r\n",
                "restricted to payload types", EXTENSIONS + "a=rid:l send pt=96\r\na=simulcast:send l\r\n",
                "lists rid 'l' twice", EXTENSIONS + "a=rid:l send\r\na=simulcast:send l;l\r\n");
        for (Map.Entry<String, String> r : refused.entrySet()) {
            TransportException e = assertThrows(TransportException.class,
                    () -> answer(simulcastOffer("96 97 102 106 108", r.getValue())), r.getKey());
            assertEquals(Reason.MALFORMED_OFFER, e.reason(), r.getKey());
            assertEquals(400, e.reason().httpStatus());
            assertTrue(e.getMessage().contains(r.getKey()), r.getKey() + ": " + e.getMessage());
        }
    }

    @Test
    void syntacticallyBrokenLinesAreRefusedByTheParser() {
        for (String line : List.of("a=rid:l\r\n", "a=rid:l sideways\r\n", "a=rid:l!x send\r\n",
                "a=rid:averyveryverylongridname send\r\n", "a=rid:l send max-width\r\n", "a=rid:l send pt=x\r\n",
                "a=simulcast:l;m\r\n", "a=simulcast:send l;;m\r\n", "a=simulcast:send l recv\r\n",
                "a=simulcast:send l\r\na=simulcast:send m\r\n", "a=simulcast:both l\r\n")) {
            SdpException e = assertThrows(SdpException.class,
                    () -> SdpParser.parseOffer(simulcastOffer("96 97", line)), line);
            assertTrue(e.getMessage().startsWith("line "), "names the line: " + e.getMessage());
        }
    }
}
