package io.sightline.rtp.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.CodecParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which H.264 payload type the answer takes from typical browser and WHEP client offers, and which profile-level-id it
 * states: a Constrained Baseline stream (OpenH264 writes 42c01f for 720p30) is answered in the offer's spelling of
 * that profile with the stream's level (42e01f), other profiles with the stream's own id (decision 0016).
 */
class H264AnswerProfileTest {

    private static SessionDescription offer(String resource) throws Exception {
        try (InputStream in = H264AnswerProfileTest.class.getResourceAsStream(resource)) {
            return SdpParser.parseOffer(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The offer's first section, the video one in every offer here (its mid is "0" or "video0"). */
    private static MediaDescription video(SessionDescription offer) {
        return offer.media.get(0);
    }

    private static CodecMatch match(String resource, String streamProfile) throws Exception {
        SessionDescription o = offer(resource);
        return CodecMatcher.match(video(o), CodecParameters.h264(streamProfile)).orElseThrow();
    }

    private static String fmtpLine(String resource, String streamProfile) throws Exception {
        SessionDescription o = offer(resource);
        CodecMatch m = CodecMatcher.match(video(o), CodecParameters.h264(streamProfile)).orElseThrow();
        String sdp = new SdpAnswerBuilder(o).iceCredentials("sLt1", "a7Jx0qLmN2pRsT4uVwXyZ9bc")
                .fingerprint(Fingerprint.sha256(new byte[32])).candidate(IceCandidate.hostUdp("1", "192.0.2.10", 40000))
                .accept(video(o).mid(), new MediaAnswer(m, 1111, m.rtxPayloadType() > 0 ? 2222 : 0, "c", "s", "v")).build().sdp();
        List<String> fmtp = sdp.lines().filter(l -> l.startsWith("a=fmtp:" + m.payloadType() + " ")).toList();
        assertEquals(1, fmtp.size(), sdp);
        return fmtp.get(0);
    }

    @Test
    void chromiumOfferGetsItsConstrainedBaselineTypeInItsOwnSpelling() throws Exception {
        // Chromium lists 42001f (Baseline) at 102 before 42e01f at 106: a 42c01f stream is Constrained Baseline.
        CodecMatch m = match("chromium-120-whep-offer.sdp", "42c01f");
        assertEquals(106, m.payloadType());
        assertEquals(107, m.rtxPayloadType());
        assertEquals("a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                fmtpLine("chromium-120-whep-offer.sdp", "42c01f"));
    }

    @Test
    void firefoxOfferGetsPacketizationModeOneInItsOwnSpelling() throws Exception {
        // Firefox offers 42e01f twice: 126 with packetization-mode=1, 97 without (mode 0), which we cannot send.
        CodecMatch m = match("firefox-128-whep-offer.sdp", "42c01f");
        assertEquals(126, m.payloadType());
        assertEquals(127, m.rtxPayloadType());
        assertEquals("a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1",
                fmtpLine("firefox-128-whep-offer.sdp", "42c01f"));
    }

    @Test
    void safariOfferPrefersConstrainedBaselineOverTheHighProfileItListsFirst() throws Exception {
        CodecMatch m = match("safari-18-whep-offer.sdp", "42c01f");
        assertEquals(98, m.payloadType(), "42e01f at 98, not 640c1f at 96");
        assertEquals(99, m.rtxPayloadType());
        assertEquals("a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                fmtpLine("safari-18-whep-offer.sdp", "42c01f"));
    }

    @Test
    void theStreamsLevelIsAnsweredEvenAboveTheOfferedOne() throws Exception {
        // 1080p30 needs level 4.0 (0x28); WebRTC offers allow level asymmetry, so the answer states it.
        assertEquals("a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e028",
                fmtpLine("chromium-120-whep-offer.sdp", "42c028"));
        assertEquals("a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01e",
                fmtpLine("safari-18-whep-offer.sdp", "42c01e"));
    }

    @Test
    void whepClientOffersGetTheirOwnSpellingOfConstrainedBaseline() throws Exception {
        // werift compares profile bytes in places, so does Pion: 42c0 and 42e0 are one profile but not one string.
        CodecMatch werift = match("werift-0.25-whep-offer.sdp", "42c01f");
        assertEquals(97, werift.payloadType());
        assertEquals(-1, werift.rtxPayloadType(), "werift offers no RTX");
        assertEquals("a=fmtp:97 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1",
                fmtpLine("werift-0.25-whep-offer.sdp", "42c01f"));
        assertEquals("a=fmtp:96 packetization-mode=1;profile-level-id=42e01e;level-asymmetry-allowed=1",
                fmtpLine("gstreamer-1.22-whep-offer.sdp", "42c01e"));
    }

    @Test
    void aMainOrHighStreamKeepsItsOwnIdOnItsOwnProfile() throws Exception {
        // Only Constrained Baseline has several spellings of one set of constraints; 640c (Constrained High) and
        // 6400 (High) differ, so a High stream never claims the offer's constraint flags.
        assertEquals("a=fmtp:112 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640028",
                fmtpLine("chromium-120-whep-offer.sdp", "640028"));
    }

    @Test
    void highProfileStreamTakesTheHighTypeOfEachOfferThatHasOne() throws Exception {
        assertEquals(112, match("chromium-120-whep-offer.sdp", "64001f").payloadType());
        assertEquals(96, match("safari-18-whep-offer.sdp", "64001f").payloadType());
        assertEquals("a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f",
                fmtpLine("safari-18-whep-offer.sdp", "64001f"));
        assertTrue(CodecMatcher.match(offer("firefox-128-whep-offer.sdp").media("0"), CodecParameters.h264("64001f"))
                .isEmpty(), "Firefox offers no High profile decoder");
    }

    @Test
    void acrossProfilesTheOfferedIdIsEchoed() throws Exception {
        // A Main stream on Safari goes out on its High type; the browser maps that type to High only, and a Main
        // stream conforms to High, so the answer keeps 640c1f.
        assertEquals("a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f",
                fmtpLine("safari-18-whep-offer.sdp", "4d001f"));
        assertEquals(127, match("chromium-120-whep-offer.sdp", "4d001f").payloadType(), "Chromium's own Main type");
    }
}
