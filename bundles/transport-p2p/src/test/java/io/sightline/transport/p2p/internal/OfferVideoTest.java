package io.sightline.transport.p2p.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OfferVideoTest {
    private static final String HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    @Test
    void readsTheFirstVideoLinesCodecsAndDirection() {
        OfferVideo video = OfferVideo.parse(HEAD
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97 45 102\r\na=recvonly\r\na=rtpmap:96 VP8/90000\r\n"
                + "a=rtpmap:97 rtx/90000\r\na=rtpmap:45 AV1/90000\r\na=rtpmap:102 H264/90000\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=rtpmap:98 VP9/90000\r\n");
        assertTrue(video.present());
        assertTrue(video.receives());
        assertEquals(List.of("VP8", "RTX", "AV1", "H264"), video.codecNames());
        assertEquals(List.of("H264", "AV1"), video.common(List.of("H264", "VP9", "AV1")));
    }

    @Test
    void aRejectedOrSendOnlyVideoLineCannotReceive() {
        assertFalse(OfferVideo.parse(HEAD + "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n").present());
        assertFalse(OfferVideo.parse(HEAD + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendonly\r\n"
                + "a=rtpmap:96 VP8/90000\r\n").receives());
        assertFalse(OfferVideo.parse(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n").present());
        assertThrows(IllegalArgumentException.class, () -> OfferVideo.parse("hello"));
    }

    @Test
    void trickleFragmentsYieldCandidatesWithTheirMid() {
        var candidates = TrickleFragment.candidates("a=ice-ufrag:abcd\r\na=ice-pwd:x\r\nm=video 9 UDP 0\r\na=mid:v0\r\n"
                + "a=candidate:1 1 udp 2130706431 10.0.0.2 50000 typ host\r\na=end-of-candidates\r\n");
        assertEquals(1, candidates.size());
        assertEquals("v0", candidates.get(0).sdpMid);
        assertEquals("candidate:1 1 udp 2130706431 10.0.0.2 50000 typ host", candidates.get(0).sdp);
        assertThrows(IllegalArgumentException.class, () -> TrickleFragment.candidates("not sdp"));
    }

    @Test
    void settingsAreValidatedAndNormalised() {
        P2pSettings s = new P2pSettings(4, List.of(" vp9", "h264 "), List.of("", "stun:10.0.0.1:3478"), 0, 0, false,
                1000, 1000);
        assertEquals(List.of("VP9", "H264"), s.codecs());
        assertEquals(List.of("stun:10.0.0.1:3478"), s.iceServers());
        assertThrows(IllegalArgumentException.class,
                () -> new P2pSettings(4, List.of("H265"), List.of(), 0, 0, false, 1000, 1000));
        assertThrows(IllegalArgumentException.class,
                () -> new P2pSettings(4, List.of(), List.of(), 0, 0, false, 1000, 1000));
        assertThrows(IllegalArgumentException.class,
                () -> new P2pSettings(0, List.of("VP8"), List.of(), 0, 0, false, 1000, 1000));
        assertThrows(IllegalArgumentException.class,
                () -> new P2pSettings(4, List.of("VP8"), List.of(), 9400, 9300, false, 1000, 1000));
    }
}
