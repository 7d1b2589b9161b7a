package io.sightline.rtp.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrickleIceFragmentTest {

    @Test
    void parsesWhepPatchBody() throws Exception {
        String body = "a=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n"
                + "a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw\r\n"
                + "a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0\r\n"
                + "a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active generation 0\r\n"
                + "a=end-of-candidates\r\n";
        TrickleIceFragment f = TrickleIceFragment.parse(body);
        assertEquals("EsAw", f.iceUfrag());
        assertEquals("bP+XJMM09aR8AiX1jdukzR6Y", f.icePwd());
        assertEquals(3, f.candidates().size());
        assertEquals("0", f.candidates().get(0).mid());
        assertEquals(0, f.candidates().get(0).mLineIndex());
        assertEquals(61764, f.candidates().get(0).candidate().port());
        assertEquals("active", f.candidates().get(2).candidate().tcpType());
        assertTrue(f.endOfCandidates());
    }

    @Test
    void candidatesWithoutMLineAndWithMidAfterCandidates() throws Exception {
        TrickleIceFragment f = TrickleIceFragment.parse(
                "a=candidate:1 1 UDP 2122260223 10.0.0.1 5000 typ host\nm=video 9 RTP/AVP 0\n"
                        + "a=candidate:2 1 udp 1 10.0.0.2 5002 typ host\na=mid:v\n");
        assertEquals(null, f.candidates().get(0).mid());
        assertEquals(-1, f.candidates().get(0).mLineIndex());
        assertEquals("udp", f.candidates().get(0).candidate().transport());
        assertEquals("v", f.candidates().get(1).mid());
        assertFalse(f.endOfCandidates());
    }

    @Test
    void malformedFragmentsAreRejected() {
        assertThrows(SdpException.class, () -> TrickleIceFragment.parse(""));
        assertThrows(SdpException.class, () -> TrickleIceFragment.parse("a=candidate:1 1 udp x 1.2.3.4 5 typ host"));
        assertThrows(SdpException.class, () -> TrickleIceFragment.parse("a=candidate:1 1 sctp 1 1.2.3.4 5 typ host"));
        assertThrows(SdpException.class, () -> TrickleIceFragment.parse("a=candidate:1 1 udp 1 1.2.3.4 70000 typ host"));
        assertThrows(SdpException.class, () -> TrickleIceFragment.parse("a=candidate:1 1 udp 1 1.2.3.4"));
        assertThrows(SdpException.class, () -> TrickleIceFragment.parse("garbage\u0001"));
    }

    @Test
    void candidateFormatsBackAndPrioritiesOrderUdpFirst() throws Exception {
        IceCandidate udp = IceCandidate.hostUdp("1", "192.0.2.10", 40000);
        IceCandidate tcp = IceCandidate.hostTcpPassive("2", "192.0.2.10", 40000);
        assertEquals(2130706431L, udp.priority());
        assertTrue(tcp.priority() < udp.priority());
        assertEquals(udp, IceCandidate.parse(udp.toSdp()));
        assertEquals(tcp, IceCandidate.parse(tcp.toSdp()));
    }
}
