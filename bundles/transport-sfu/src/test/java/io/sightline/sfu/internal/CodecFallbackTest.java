package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.Track;
import io.sightline.rtp.sdp.SdpParser;
import io.sightline.rtp.sdp.SessionDescription;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which rendition an offer without the stream's codec gets, on Chromium's real offer with codecs renamed away (an
 * unknown encoding name is what a browser without that codec amounts to).
 */
class CodecFallbackTest {
    private static final String CHROMIUM = resource("chromium-120-whep-offer.sdp");
    private static final Track AUDIO = Track.audio(CodecParameters.opus(true));
    private static final Track VP8 = Track.video(CodecParameters.vp8(), 1280, 720, 30);
    private static final List<Rendition> LADDER = Rendition.parseLadder("1280x720@2000, 640x360@600", Codec.H264);

    @Test
    void anOfferWithTheStreamsCodecTakesTheStreamAsItIs() throws Exception {
        assertNull(CodecFallback.rendition(offer(CHROMIUM), List.of(Units.VIDEO, AUDIO), LADDER));
        assertNull(CodecFallback.rendition(offer(CHROMIUM), List.of(VP8, AUDIO), LADDER));
    }

    @Test
    void anH264CameraGoesToAVp8OnlyBrowserAsTheTopRungInVp8() throws Exception {
        SessionDescription firefoxEsr = offer(CHROMIUM.replace("H264/90000", "H263/90000"));
        assertEquals(new Rendition(Codec.VP8, 1280, 720, 2000),
                CodecFallback.rendition(firefoxEsr, List.of(Units.VIDEO, AUDIO), LADDER));
    }

    @Test
    void aVp8StreamGoesToAnH264OnlyClientInH264() throws Exception {
        SessionDescription h264Only = offer(CHROMIUM.replace("VP8/90000", "VP7/90000"));
        assertEquals(new Rendition(Codec.H264, 1280, 720, 2000),
                CodecFallback.rendition(h264Only, List.of(VP8, AUDIO), LADDER));
    }

    @Test
    void noFallbackWithoutALadderAVideoTrackOrAnEncodableCodec() throws Exception {
        SessionDescription vp8Only = offer(CHROMIUM.replace("H264/90000", "H263/90000"));
        assertNull(CodecFallback.rendition(vp8Only, List.of(Units.VIDEO, AUDIO), List.of()), "renditions off");
        assertNull(CodecFallback.rendition(vp8Only, List.of(AUDIO), LADDER), "an audio-only stream");
        SessionDescription vp9Only = offer(CHROMIUM.replace("H264/90000", "H263/90000")
                .replace("VP8/90000", "VP7/90000"));
        assertNull(CodecFallback.rendition(vp9Only, List.of(Units.VIDEO, AUDIO), LADDER), "no H.264 and no VP8");
        SessionDescription noVideo = offer(CHROMIUM.replace("H264/90000", "H263/90000")
                .replaceFirst("a=recvonly", "a=inactive"));
        assertNull(CodecFallback.rendition(noVideo, List.of(Units.VIDEO, AUDIO), LADDER), "video not received");
    }

    private static SessionDescription offer(String sdp) throws Exception {
        return SdpParser.parseOffer(sdp);
    }

    private static String resource(String name) {
        try (InputStream in = CodecFallbackTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
