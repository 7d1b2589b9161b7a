package io.sightline.rtp.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which VP9 and AV1 payload types recorded browser offers give a VP9 or AV1 stream: the one of the stream's profile
 * (VP9 {@code profile-id}, AV1 {@code profile}; absent means 0), with its RTX, and the offered fmtp echoed.
 */
class Vp9Av1AnswerTest {
    private static final CodecParameters VP9_0 = CodecParameters.of(Codec.VP9, 1, Map.of("profile-id", "0"));
    private static final CodecParameters VP9_2 = CodecParameters.of(Codec.VP9, 1, Map.of("profile-id", "2"));
    private static final CodecParameters AV1_0 = CodecParameters.of(Codec.AV1, 1, Map.of("profile", "0"));

    private static MediaDescription video(String resource) {
        try (InputStream in = Vp9Av1AnswerTest.class.getResourceAsStream(resource)) {
            SessionDescription offer = SdpParser.parseOffer(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return offer.media.stream().filter(m -> "video".equals(m.kind())).findFirst().orElseThrow();
        } catch (IOException | SdpException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void chromiumGetsTheVp9PayloadTypeOfTheStreamsProfile() {
        CodecMatch m = CodecMatcher.match(video("chromium-120-whep-offer.sdp"), VP9_0).orElseThrow();
        assertEquals(98, m.payloadType());
        assertEquals(99, m.rtxPayloadType());
        assertEquals("profile-id=0", m.answerFmtp());
        assertEquals(100, CodecMatcher.match(video("chromium-120-whep-offer.sdp"), VP9_2).orElseThrow()
                .payloadType());
    }

    @Test
    void chromiumGetsItsAv1PayloadTypeWithItsParameters() {
        CodecMatch m = CodecMatcher.match(video("chromium-120-whep-offer.sdp"), AV1_0).orElseThrow();
        assertEquals(45, m.payloadType());
        assertEquals(46, m.rtxPayloadType());
        assertEquals("level-idx=5;profile=0;tier=0", m.answerFmtp());
    }

    @Test
    void aVp9WithoutProfileIdIsProfileZero() {
        assertEquals(121, CodecMatcher.match(video("firefox-128-whep-offer.sdp"), VP9_0).orElseThrow().payloadType());
        assertTrue(CodecMatcher.match(video("firefox-128-whep-offer.sdp"), VP9_2).isEmpty());
        assertTrue(CodecMatcher.match(video("firefox-128-whep-offer.sdp"), AV1_0).isEmpty(), "Firefox 128: no AV1");
    }
}
