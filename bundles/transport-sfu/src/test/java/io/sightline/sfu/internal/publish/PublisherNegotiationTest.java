package io.sightline.sfu.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.transport.TransportException;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.sdp.SdpParser;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PublisherNegotiationTest {
    private static final Fingerprint SERVER = Fingerprint.sha256(new byte[32]);
    private static final List<IceCandidate> CANDIDATES = List.of(IceCandidate.hostUdp("1", "127.0.0.1", 18189));
    private final PublisherNegotiation negotiation = new PublisherNegotiation(new Random(1));

    private PublisherNegotiation.Answer answer(String offer) throws Exception {
        return negotiation.answer(SdpParser.parseOffer(offer), CANDIDATES, SERVER);
    }

    @Test
    void aChromeOfferIsAnsweredRecvonlyWithConstrainedBaselineH264AndOpus() throws Exception {
        PublisherNegotiation.Answer a = answer(ChromeOffers.chrome());
        assertEquals(106, a.video().payloadType(), "42e01f mode 1 wins over 42001f and over mode 0");
        assertEquals(111, a.audio().payloadType());
        String sdp = a.answerSdp();
        assertTrue(sdp.contains("a=group:BUNDLE 0 1\r\n"));
        assertTrue(sdp.contains("m=video 18189 UDP/TLS/RTP/SAVPF 106\r\n"), sdp);
        assertTrue(sdp.contains("m=audio 18189 UDP/TLS/RTP/SAVPF 111\r\n"), sdp);
        assertEquals(2, sdp.split("a=recvonly", -1).length - 1);
        assertTrue(sdp.contains("a=ice-lite\r\n") && sdp.contains("a=setup:passive\r\n"));
        assertTrue(sdp.contains("a=rtcp-fb:106 nack\r\n") && sdp.contains("a=rtcp-fb:106 nack pli\r\n"));
        assertFalse(sdp.contains("transport-cc"), "no transport-wide feedback is sent back");
        assertFalse(sdp.contains("rtx"), "retransmissions come on the media SSRC");
        assertTrue(sdp.contains("a=fmtp:111 minptime=10;useinbandfec=1\r\n"));
        assertTrue(sdp.contains("a=candidate:1 1 udp"), sdp);
        assertTrue(sdp.contains("a=ice-ufrag:" + a.ufrag() + "\r\n"));
        assertEquals("sha-256", a.publisherFingerprint().algorithm());
    }

    @Test
    void anOfferWithoutAUsableVideoCodecOrOpusIsNotAcceptable() {
        // VP9 profile 2 (10 bit) and AV1 profile 1 (4:4:4) only, and no Opus
        String other = ChromeOffers.offer("sendonly", "actpass", true, "100 35").replace("opus/48000/2",
                "G722/8000");
        TransportException e = assertThrows(TransportException.class, () -> answer(other));
        assertEquals(406, e.reason().httpStatus());
        assertTrue(e.getMessage().contains("VP9 (profile-id=0)"), e.getMessage());
    }

    @Test
    void vp9ThenAv1AreTakenOnlyWhenTheOfferHasNeitherH264NorVp8() throws Exception {
        PublisherNegotiation.Answer vp9 = answer(ChromeOffers.offer("sendonly", "actpass", true, "45 100 98"));
        assertEquals("VP9", vp9.video().encodingName());
        assertEquals(98, vp9.video().payloadType(), "profile 0, not the 10-bit profile 2");
        assertTrue(vp9.answerSdp().contains("a=fmtp:98 profile-id=0\r\n"), vp9.answerSdp());
        assertTrue(vp9.answerSdp().contains("a=rtcp-fb:98 nack pli\r\n"), vp9.answerSdp());
        PublisherNegotiation.Answer av1 = answer(ChromeOffers.offer("sendonly", "actpass", true, "35 45"));
        assertEquals("AV1", av1.video().encodingName());
        assertEquals(45, av1.video().payloadType(), "profile 0, not profile 1");
        assertTrue(av1.answerSdp().contains("a=fmtp:45 level-idx=5;profile=0;tier=0\r\n"), av1.answerSdp());
        assertEquals("VP8", answer(ChromeOffers.offer("sendonly", "actpass", true, "45 98 96")).video()
                .encodingName(), "VP8 before VP9 and AV1 whatever the offer's order");
        assertEquals("H264", answer(ChromeOffers.offer("sendonly", "actpass", true, "45 98 96 106")).video()
                .encodingName());
    }

    @Test
    void vp8IsTakenWhenTheOfferHasNoH264AndH264IsPreferredOtherwise() throws Exception {
        PublisherNegotiation.Answer vp8 = answer(ChromeOffers.offer("sendonly", "actpass", true, "96 97"));
        assertEquals("VP8", vp8.video().encodingName());
        assertEquals(96, vp8.video().payloadType());
        assertTrue(vp8.answerSdp().contains("m=video 18189 UDP/TLS/RTP/SAVPF 96\r\n"), vp8.answerSdp());
        assertTrue(vp8.answerSdp().contains("a=rtcp-fb:96 nack pli\r\n"), vp8.answerSdp());
        assertEquals("H264", answer(ChromeOffers.chrome()).video().encodingName(), "VP8 listed first changes nothing");
    }

    @Test
    void aViewerOfferIsNotAPublisherOffer() {
        TransportException e = assertThrows(TransportException.class,
                () -> answer(ChromeOffers.offer("recvonly", "actpass", true, "96 97 102 106 108")));
        assertEquals(406, e.reason().httpStatus());
    }

    @Test
    void passiveSetupIsNotAcceptableAndAMissingFingerprintIsMalformed() {
        assertEquals(406, assertThrows(TransportException.class,
                () -> answer(ChromeOffers.offer("sendonly", "passive", true, "102"))).reason().httpStatus());
        // rtp's parser already refuses an offer without a fingerprint (the transport answers 400 for it)
        assertThrows(io.sightline.rtp.sdp.SdpException.class,
                () -> answer(ChromeOffers.offer("sendonly", "actpass", false, "102")));
    }
}
