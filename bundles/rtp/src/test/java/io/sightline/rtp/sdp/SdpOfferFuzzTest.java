package io.sightline.rtp.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sightline.api.media.CodecParameters;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of what a WHEP client posts: the SDP offer (parsed, matched against the stream's codecs and
 * answered, as the SFU does) and the trickle-ICE fragment of a PATCH. The only exception allowed out is
 * {@link SdpException} (a 400 for the client). Seeds: the offers of Chromium, Firefox, Safari, GStreamer and werift
 * saved in this module's tests.
 */
class SdpOfferFuzzTest {
    private static final List<CodecParameters> STREAM_CODECS = List.of(CodecParameters.h264("42e01f"),
            CodecParameters.vp8(), CodecParameters.opus(false));

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void offer(byte[] data) {
        SessionDescription offer;
        try {
            offer = SdpParser.parseOffer(new String(data, StandardCharsets.UTF_8));
        } catch (SdpException expected) {
            return;
        }
        SdpAnswerBuilder answer = new SdpAnswerBuilder(offer).iceCredentials("sLt1", "a7Jx0qLmN2pRsT4uVwXyZ9bc")
                .fingerprint(Fingerprint.sha256(new byte[32])).candidate(IceCandidate.hostUdp("1", "127.0.0.1", 40000))
                .sessionId(42);
        long ssrc = 1;
        for (MediaDescription media : offer.media()) {
            media.extMaps();
            media.rtxFor(96);
            CodecMatch match = null;
            for (CodecParameters codec : STREAM_CODECS) {
                match = CodecMatcher.match(media, codec).orElse(null);
                if (match != null) {
                    break;
                }
            }
            if (media.mid() == null) {
                continue;
            }
            if (match == null) {
                answer.reject(media.mid());
            } else {
                answer.accept(media.mid(), new MediaAnswer(match, ssrc++, ssrc++, "cname", "stream", "track"));
            }
        }
        try {
            SdpParser.parse(answer.build().toString());
        } catch (SdpException expected) {
            // an offer the answer builder refuses (no accepted section, ...): a 400 as well
        }
    }

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void trickleFragment(byte[] data) {
        try {
            TrickleIceFragment f = TrickleIceFragment.parse(new String(data, StandardCharsets.UTF_8));
            for (TrickleIceFragment.Entry e : f.candidates()) {
                e.candidate().toString();
            }
        } catch (SdpException expected) {
            // a 400 for the client
        }
    }
}
