package io.sightline.rtp.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.CodecParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SdpOfferAnswerTest {
    private static final String UFRAG = "sLt1";
    private static final String PWD = "a7Jx0qLmN2pRsT4uVwXyZ9bc";

    static String chromiumOffer() {
        try (InputStream in = SdpOfferAnswerTest.class.getResourceAsStream("chromium-120-whep-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Fingerprint serverFingerprint() {
        byte[] digest = new byte[32];
        for (int i = 0; i < 32; i++) {
            digest[i] = (byte) (i * 9);
        }
        return Fingerprint.sha256(digest);
    }

    private static SdpAnswerBuilder builder(SessionDescription offer) {
        return new SdpAnswerBuilder(offer).iceCredentials(UFRAG, PWD).fingerprint(serverFingerprint())
                .candidate(IceCandidate.hostUdp("1", "192.0.2.10", 40000))
                .candidate(IceCandidate.hostTcpPassive("2", "192.0.2.10", 40001)).sessionId(42);
    }

    private static List<String> section(String sdp, String mLinePrefix) {
        List<String> lines = List.of(sdp.split("\r\n"));
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(mLinePrefix)) {
                start = i;
                break;
            }
        }
        assertTrue(start >= 0, "no " + mLinePrefix + " in\n" + sdp);
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("m=")) {
            end++;
        }
        return lines.subList(start, end);
    }

    @Test
    void parsesChromiumRecvonlyOffer() throws Exception {
        SessionDescription offer = SdpParser.parseOffer(chromiumOffer());
        assertEquals(List.of("0", "1"), offer.bundleMids());
        assertTrue(offer.extmapAllowMixed());
        MediaDescription video = offer.media("0");
        assertEquals("video", video.kind());
        assertEquals(Direction.RECVONLY, video.direction());
        assertEquals("Fz3o", video.iceUfrag());
        assertEquals("kV4CWf/eMLbzCdXwNu9uOoGe", video.icePwd());
        assertEquals("sha-256", video.fingerprint().algorithm());
        assertEquals("actpass", video.setup());
        assertTrue(video.rtcpMux());
        assertTrue(video.rtcpRsize());
        assertEquals(25, video.formats().size());
        assertEquals(107, video.rtxFor(106).payloadType());
        assertEquals("42e01f", video.format(106).fmtp("profile-level-id"));
        assertEquals(List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"),
                video.format(106).feedback());
        assertEquals(5, video.extMap(ExtMap.PLAYOUT_DELAY).id());
        assertEquals(11, video.extMaps().size());
        MediaDescription audio = offer.media("1");
        assertEquals(2, audio.format(111).channels());
        assertEquals("PCMU", audio.format(0).encodingName());
        assertNull(audio.extMap(ExtMap.PLAYOUT_DELAY));
    }

    @Test
    void codecMatcherFollowsH264ProfileRules() throws Exception {
        MediaDescription video = SdpParser.parseOffer(chromiumOffer()).media("0");
        assertEquals(106, pt(video, CodecParameters.h264("42e01f")), "exact constrained baseline, mode 1");
        assertEquals(107, CodecMatcher.match(video, CodecParameters.h264("42e01f")).orElseThrow().rtxPayloadType());
        assertEquals(102, pt(video, CodecParameters.h264("42001f")), "baseline");
        assertEquals(106, pt(video, CodecParameters.h264("42e01e")), "same profile, offered level higher");
        assertEquals(127, pt(video, CodecParameters.h264("4d0028")), "main at another level");
        assertEquals(112, pt(video, CodecParameters.h264("640c1f")), "constrained high fits an offered high");
        assertEquals(96, pt(video, CodecParameters.vp8()));
        assertTrue(CodecMatcher.match(video, CodecParameters.h264("58001f")).isEmpty(), "extended: not offered");
        MediaDescription audio = SdpParser.parseOffer(chromiumOffer()).media("1");
        assertEquals(111, pt(audio, CodecParameters.opus(false)));
        assertTrue(CodecMatcher.match(audio, CodecParameters.vp8()).isEmpty());
    }

    @Test
    void constrainedBaselineAcceptsABaselineOnlyOfferAndModeZeroNeverMatches() throws Exception {
        String onlyBaseline = offerWithVideo("102 104",
                "a=rtpmap:102 H264/90000\r\na=fmtp:102 packetization-mode=1;profile-level-id=42001f\r\n"
                        + "a=rtpmap:104 H264/90000\r\na=fmtp:104 packetization-mode=0;profile-level-id=42e01f\r\n");
        MediaDescription v = SdpParser.parseOffer(onlyBaseline).media("v");
        assertEquals(102, pt(v, CodecParameters.h264("42e01f")));
        assertTrue(CodecMatcher.match(v, CodecParameters.h264("4d001f")).isEmpty(), "main is no baseline");

        String onlyConstrained = offerWithVideo("106",
                "a=rtpmap:106 H264/90000\r\na=fmtp:106 packetization-mode=1;profile-level-id=42e01f\r\n");
        MediaDescription c = SdpParser.parseOffer(onlyConstrained).media("v");
        assertTrue(CodecMatcher.match(c, CodecParameters.h264("42001f")).isEmpty(),
                "a plain baseline stream may use tools a constrained baseline decoder lacks");
        String noParameters = offerWithVideo("99", "a=rtpmap:99 H264/90000\r\n");
        assertTrue(CodecMatcher.match(SdpParser.parseOffer(noParameters).media("v"), CodecParameters.h264("42e01f"))
                .isEmpty(), "no fmtp means packetization-mode 0");
    }

    private static int pt(MediaDescription m, CodecParameters p) {
        return CodecMatcher.match(m, p).orElseThrow(() -> new AssertionError("no match for " + p)).payloadType();
    }

    static String offerWithVideo(String pts, String formatLines) {
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE v\r\n"
                + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 " + serverFingerprint().value() + "\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF " + pts + "\r\nc=IN IP4 0.0.0.0\r\na=mid:v\r\na=recvonly\r\n"
                + "a=rtcp-mux\r\n" + formatLines;
    }

    @Test
    void answersWithChosenCodecOnlyAndAllRequiredLines() throws Exception {
        SessionDescription offer = SdpParser.parseOffer(chromiumOffer());
        CodecMatch h264 = CodecMatcher.match(offer.media("0"), CodecParameters.h264("42e01f")).orElseThrow();
        CodecMatch opus = CodecMatcher.match(offer.media("1"), CodecParameters.opus(false)).orElseThrow();
        SdpAnswer answer = builder(offer)
                .accept("0", new MediaAnswer(h264, 1111, 2222, "sightline", "cam1", "cam1-video"))
                .accept("1", new MediaAnswer(opus, 3333, 0, "sightline", "cam1", "cam1-audio")).build();
        String sdp = answer.sdp();
        assertTrue(sdp.startsWith("v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=group:BUNDLE 0 1\r\n"));

        List<String> video = section(sdp, "m=video");
        assertEquals("m=video 40000 UDP/TLS/RTP/SAVPF 106 107", video.get(0));
        for (String expected : List.of("c=IN IP4 192.0.2.10", "a=mid:0", "a=ice-ufrag:" + UFRAG, "a=ice-pwd:" + PWD,
                "a=fingerprint:sha-256 " + serverFingerprint().value(), "a=setup:passive", "a=sendonly", "a=rtcp-mux",
                "a=rtcp-rsize", "a=rtpmap:106 H264/90000", "a=rtcp-fb:106 transport-cc", "a=rtcp-fb:106 ccm fir",
                "a=rtcp-fb:106 nack", "a=rtcp-fb:106 nack pli",
                "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                "a=rtpmap:107 rtx/90000", "a=fmtp:107 apt=106",
                "a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                "a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "a=msid:cam1 cam1-video",
                "a=ssrc-group:FID 1111 2222", "a=ssrc:1111 cname:sightline", "a=ssrc:2222 cname:sightline",
                "a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host",
                "a=candidate:2 1 tcp 2124414975 192.0.2.10 40001 typ host tcptype passive",
                "a=end-of-candidates")) {
            assertTrue(video.contains(expected), "missing '" + expected + "' in\n" + String.join("\n", video));
        }
        assertEquals(2, video.stream().filter(l -> l.startsWith("a=rtpmap:")).count(), "only H.264 and its RTX");
        assertFalse(video.contains("a=rtcp-fb:106 goog-remb"), "REMB is not negotiated with transport-cc");
        assertFalse(video.stream().anyMatch(l -> l.contains("abs-send-time")));
        assertFalse(video.contains("a=recvonly"));

        List<String> audio = section(sdp, "m=audio");
        assertEquals("m=audio 40000 UDP/TLS/RTP/SAVPF 111", audio.get(0));
        assertTrue(audio.contains("a=rtpmap:111 opus/48000/2"));
        assertTrue(audio.contains("a=fmtp:111 minptime=10;useinbandfec=1"));
        assertTrue(audio.contains("a=rtcp-fb:111 transport-cc"));
        assertFalse(audio.stream().anyMatch(l -> l.startsWith("a=ssrc-group")));
        assertFalse(audio.stream().anyMatch(l -> l.contains("playout-delay")));

        SdpAnswer.Negotiated v = answer.media("0");
        assertEquals(4, v.transportCcId());
        assertEquals(0, v.absSendTimeId());
        assertEquals(5, v.playoutDelayId());
        assertEquals(107, v.rtxPayloadType());
        assertTrue(v.reducedSizeRtcp());

        SessionDescription reparsed = SdpParser.parse(sdp); // our own answer is valid SDP
        assertTrue(reparsed.iceLite());
        assertEquals(Direction.SENDONLY, reparsed.media("0").direction());
        assertEquals("passive", reparsed.media("1").setup());
    }

    @Test
    void withoutPlayoutDelayOfferedNoneIsAnsweredAndRembCanBePreferred() throws Exception {
        String offerText = chromiumOffer().replace(
                "a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n", "");
        SessionDescription offer = SdpParser.parseOffer(offerText);
        CodecMatch vp8 = CodecMatcher.match(offer.media("0"), CodecParameters.vp8()).orElseThrow();
        SdpAnswer answer = builder(offer).congestionControl(SdpAnswerBuilder.CongestionControl.REMB)
                .accept("0", new MediaAnswer(vp8, 5, 0, "c", "s", "t")).build();
        List<String> video = section(answer.sdp(), "m=video");
        assertFalse(video.stream().anyMatch(l -> l.contains("playout-delay")));
        assertEquals(0, answer.media("0").playoutDelayId());
        assertTrue(video.contains("a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"));
        assertTrue(video.contains("a=rtcp-fb:96 goog-remb"));
        assertFalse(video.contains("a=rtcp-fb:96 transport-cc"));
        assertFalse(video.stream().anyMatch(l -> l.startsWith("a=fmtp:96 ")), "VP8 has no parameters");
        assertTrue(video.contains("a=rtpmap:97 rtx/90000"), "RTX is declared when offered");
        assertFalse(video.stream().anyMatch(l -> l.startsWith("a=ssrc-group")), "but no FID group without RTX SSRC");
        assertEquals(2, answer.media("0").absSendTimeId());

        List<String> audio = section(answer.sdp(), "m=audio");
        assertEquals("m=audio 0 UDP/TLS/RTP/SAVPF 111", audio.get(0), "unaccepted sections are rejected");
        assertTrue(audio.contains("a=mid:1"));
        assertFalse(answer.media("1").accepted());
        assertTrue(answer.sdp().contains("a=group:BUNDLE 0\r\n"));
    }

    @Test
    void aRejectedSectionCarriesCredentialsFingerprintSetupAndTheRtpmapOfItsFormat() throws Exception {
        // A video-only stream answering GStreamer's offer (audio is bundle-only): webrtcbin 1.22 wants a fingerprint
        // and ICE credentials in every section, werift up to 0.22 a codec it knows and ICE credentials.
        String text = new String(SdpOfferAnswerTest.class.getResourceAsStream("gstreamer-1.22-whep-offer.sdp")
                .readAllBytes(), StandardCharsets.UTF_8);
        SessionDescription offer = SdpParser.parseOffer(text);
        CodecMatch h264 = CodecMatcher.match(offer.media("video0"), CodecParameters.h264("42c01f")).orElseThrow();
        SdpAnswer answer = builder(offer).accept("video0", new MediaAnswer(h264, 5, 0, "c", "s", "t")).build();

        List<String> audio = section(answer.sdp(), "m=audio");
        assertEquals(List.of("m=audio 0 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=mid:audio1",
                "a=ice-ufrag:" + UFRAG, "a=ice-pwd:" + PWD, "a=fingerprint:" + serverFingerprint().toSdp(), "a=setup:passive", "a=inactive",
                "a=rtpmap:111 OPUS/48000/2"), audio);
        assertFalse(answer.media("audio1").accepted());
        assertTrue(answer.sdp().contains("a=group:BUNDLE video0\r\n"), "a rejected mid leaves the bundle");
        assertFalse(answer.sdp().lines().takeWhile(l -> !l.startsWith("m=")).anyMatch(l -> l.startsWith("a=fingerprint")),
                "the fingerprint is at media level only: some webrtcbin versions refuse it at both levels");
        SessionDescription reparsed = SdpParser.parse(answer.sdp());
        assertEquals(serverFingerprint().toSdp(), reparsed.media("audio1").fingerprint().toSdp());
    }

    @Test
    void answerBuilderRefusesInconsistentInput() throws Exception {
        SessionDescription offer = SdpParser.parseOffer(chromiumOffer());
        CodecMatch opus = CodecMatcher.match(offer.media("1"), CodecParameters.opus(true)).orElseThrow();
        assertThrows(SdpException.class, () -> new SdpAnswerBuilder(offer).build(), "no credentials");
        assertThrows(SdpException.class,
                () -> builder(offer).accept("0", new MediaAnswer(opus, 1, 0, "c", "s", "t")).build(),
                "opus payload type 111 is not in the video section");
        assertThrows(SdpException.class,
                () -> builder(offer).accept("7", new MediaAnswer(opus, 1, 0, "c", "s", "t")).build());
        assertEquals("minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1", opus.answerFmtp());
        assertThrows(IllegalArgumentException.class, () -> new MediaAnswer(opus, 0, 0, "c", "s", "t"));
        assertThrows(IllegalArgumentException.class, () -> builder(offer).iceCredentials("ab", PWD));
    }

    @Test
    void sendrecvOfferWithSsrcAndMsidAndMediaLevelOverrides() throws Exception {
        String sdp = offerWithVideo("96", "a=rtpmap:96 VP8/90000\r\na=ice-ufrag:mediaLevel\r\n"
                + "a=msid:stream1 track1\r\na=ssrc-group:FID 11 12\r\na=ssrc:11 cname:xyz\r\na=ssrc:11 msid:stream1 track1\r\n"
                + "a=ssrc:12 cname:xyz\r\na=candidate:842163049 1 udp 1677729535 198.51.100.7 51234 typ srflx "
                + "raddr 10.0.0.2 rport 51234 generation 0 ufrag abcd network-cost 999\r\na=end-of-candidates\r\n")
                .replace("a=recvonly", "a=sendrecv");
        MediaDescription m = SdpParser.parseOffer(sdp).media("v");
        assertEquals("mediaLevel", m.iceUfrag());
        assertEquals("abcdefghijklmnopqrstuvwx", m.icePwd(), "inherited from session level");
        assertEquals("stream1 track1", m.msid());
        assertEquals(List.of("FID 11 12"), m.ssrcGroups());
        assertEquals(new SsrcAttribute(11, "cname", "xyz"), m.ssrcs().get(0));
        assertEquals(3, m.ssrcs().size());
        IceCandidate c = m.candidates().get(0);
        assertEquals("srflx", c.type());
        assertEquals("10.0.0.2", c.relatedAddress());
        assertEquals(1677729535L, c.priority());
        assertTrue(m.endOfCandidates());
        assertEquals(Direction.SENDRECV, m.direction());
    }
}
