package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportException.Reason;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.sdp.SdpParser;
import io.sightline.rtp.sdp.SessionDescription;
import io.sightline.rtp.sdp.TrickleIceFragment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SFU's offer/answer choices on a real browser offer (Chromium 120's WHEP offer: video 0, audio 1). */
class ViewerNegotiationTest {
    private static final Track AUDIO = Track.audio(CodecParameters.opus(true));
    private static final Fingerprint SERVER = Fingerprint.ofCertificate(new byte[] {1, 2, 3});
    private static final List<IceCandidate> CANDIDATES = List.of(
            new IceCandidate("1", 1, "udp", 2130706431L, "192.0.2.10", 8189, "host", null, -1, null),
            new IceCandidate("2", 1, "tcp", 1694498815L, "192.0.2.10", 8189, "host", null, -1, "passive"));

    private final ViewerNegotiation negotiation = new ViewerNegotiation(new Random(7));

    @Test
    void aBrowsersOfferGetsTheStreamsVideoAndAudioWithTheServersIdentityAndFreshIdentifiers() throws Exception {
        ViewerNegotiation.Answer a = negotiation.answer(offer(CHROMIUM), "cam", List.of(Units.VIDEO, AUDIO), SERVER,
                CANDIDATES);

        assertEquals(2, a.tracks().size());
        ViewerTrack video = a.tracks().get(0);
        ViewerTrack audio = a.tracks().get(1);
        assertEquals(MediaKind.VIDEO, video.kind);
        assertEquals(Track.VIDEO, video.trackId);
        assertEquals(MediaKind.AUDIO, audio.kind);
        assertEquals("0", video.negotiated.mid());
        assertEquals("1", audio.negotiated.mid());
        assertTrue(video.negotiated.ssrc() > 0 && video.negotiated.rtxSsrc() > 0, "RTX offered: its own SSRC");
        assertNotEquals(video.negotiated.ssrc(), audio.negotiated.ssrc());
        assertTrue(video.seqBase < 0x8000 && video.rtxSeq < 0x8000, "room before the 16-bit wrap");

        String sdp = a.answerSdp();
        assertTrue(sdp.contains("a=ice-lite\r\n"), sdp);
        assertTrue(sdp.contains("a=ice-ufrag:" + a.ufrag() + "\r\n") && sdp.contains("a=ice-pwd:" + a.pwd() + "\r\n"));
        assertTrue(sdp.contains("a=fingerprint:" + SERVER.toSdp() + "\r\n"));
        assertTrue(sdp.contains("a=" + CANDIDATES.get(0).toSdp() + "\r\n"));
        assertTrue(sdp.contains("a=" + CANDIDATES.get(1).toSdp() + "\r\n"));
        assertTrue(sdp.contains("a=rtpmap:" + video.negotiated.payloadType() + " H264/90000"));
        assertTrue(sdp.contains("a=ssrc:" + video.negotiated.ssrc() + " cname:" + a.cname()), sdp);
        assertEquals(8, a.ufrag().length());
        assertEquals(24, a.pwd().length());

        assertEquals(offer(CHROMIUM).media().get(0).fingerprint(), a.viewerFingerprint(), "what the viewer's "
                + "certificate must match, as the offer wrote it");
    }

    @Test
    void aStreamWithoutAudioAnswersTheAudioSectionAsRejected() throws Exception {
        ViewerNegotiation.Answer a = negotiation.answer(offer(CHROMIUM), "cam", List.of(Units.VIDEO), SERVER,
                CANDIDATES);
        assertEquals(1, a.tracks().size());
        assertTrue(a.answerSdp().contains("m=audio 0 "), "port 0: rejected (RFC 3264 section 6)");
    }

    @Test
    void anOfferThatReceivesNothingTheStreamHasIsNotAcceptable() throws Exception {
        SessionDescription publisher = offer(CHROMIUM.replace("a=recvonly", "a=sendonly"));
        TransportException e = assertThrows(TransportException.class,
                () -> negotiation.answer(publisher, "cam", List.of(Units.VIDEO, AUDIO), SERVER, CANDIDATES));
        assertEquals(Reason.NOT_ACCEPTABLE, e.reason());
        assertTrue(e.getMessage().contains("no recvonly m-line with a codec of stream 'cam'"), e.getMessage());

        Track vp8 = Track.video(CodecParameters.vp8(), 640, 360, 30);
        SessionDescription noVp8 = offer(CHROMIUM.replaceAll("(?m)^a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP7/90000"));
        assertEquals(Reason.NOT_ACCEPTABLE, assertThrows(TransportException.class,
                () -> negotiation.answer(noVp8, "cam", List.of(vp8), SERVER, CANDIDATES)).reason(),
                "a VP8 stream and an offer without VP8");
    }

    @Test
    void theServerStaysTheDtlsServer() throws Exception {
        SessionDescription passive = offer(CHROMIUM.replace("a=setup:actpass", "a=setup:passive"));
        TransportException e = assertThrows(TransportException.class,
                () -> negotiation.answer(passive, "cam", List.of(Units.VIDEO), SERVER, CANDIDATES));
        assertEquals(Reason.NOT_ACCEPTABLE, e.reason());
        assertTrue(e.getMessage().contains("a=setup:passive"));
    }

    @Test
    void aFingerprintThatCannotCheckACertificateIsAMalformedOffer() throws Exception {
        String md5 = "md5 " + "7B:".repeat(15) + "7B";
        SessionDescription weak = offer(CHROMIUM.replaceAll("(?m)^a=fingerprint:.*$", "a=fingerprint:" + md5));
        TransportException e = assertThrows(TransportException.class,
                () -> negotiation.answer(weak, "cam", List.of(Units.VIDEO), SERVER, CANDIDATES));
        assertEquals(Reason.MALFORMED_OFFER, e.reason());
    }

    @Test
    void aMalformedOfferIsTheClientsError() {
        TransportException e = assertThrows(TransportException.class,
                () -> ViewerNegotiation.parseOffer("v=0\r\nthis is not SDP\r\n"));
        assertEquals(Reason.MALFORMED_OFFER, e.reason());
        assertTrue(e.getMessage().startsWith("malformed SDP offer: "), e.getMessage());
    }

    @Test
    void anIceRestartAnnouncesNewCredentialsAndTheSameCandidatesInATrickleFragment() throws SdpException {
        ViewerNegotiation.Restart r = negotiation.restart(CANDIDATES);
        TrickleIceFragment parsed = TrickleIceFragment.parse(r.fragment());
        assertEquals(r.ufrag(), parsed.iceUfrag());
        assertEquals(r.pwd(), parsed.icePwd());
        assertTrue(parsed.endOfCandidates());
        assertEquals(CANDIDATES, parsed.candidates().stream().map(TrickleIceFragment.Entry::candidate).toList());
        assertNull(parsed.candidates().get(0).mid());
        assertNotEquals(r.ufrag(), negotiation.restart(CANDIDATES).ufrag(), "fresh each time");
    }

    @Test
    void theSameRandomSourceGivesTheSameAnswer() throws Exception {
        String first = new ViewerNegotiation(new Random(3)).answer(offer(CHROMIUM), "cam", List.of(Units.VIDEO),
                SERVER, CANDIDATES).answerSdp();
        String second = new ViewerNegotiation(new Random(3)).answer(offer(CHROMIUM), "cam", List.of(Units.VIDEO),
                SERVER, CANDIDATES).answerSdp();
        assertEquals(first, second, "nothing but the random source varies an answer");
    }

    private static final String CHROMIUM = resource("chromium-120-whep-offer.sdp");

    private static SessionDescription offer(String sdp) throws SdpException {
        return SdpParser.parseOffer(sdp);
    }

    private static String resource(String name) {
        try (InputStream in = ViewerNegotiationTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
