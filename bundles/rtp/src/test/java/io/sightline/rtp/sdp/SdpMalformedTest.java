package io.sightline.rtp.sdp;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SdpMalformedTest {

    private static void rejects(String sdp, String messagePart) {
        SdpException e = assertThrows(SdpException.class, () -> SdpParser.parseOffer(sdp));
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    }

    @Test
    void emptyAndBlank() {
        rejects("", "empty");
        rejects("\r\n\r\n", "empty");
        rejects(null, "empty");
    }

    @Test
    void missingMLine() {
        rejects("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", "no m-line");
    }

    @Test
    void missingIceCredentialsOrFingerprint() {
        String offer = SdpOfferAnswerTest.chromiumOffer();
        rejects(offer.replace("a=ice-ufrag:Fz3o\r\n", ""), "m-line 1 (video) has no a=ice-ufrag");
        rejects(offer.replace("a=ice-pwd:kV4CWf/eMLbzCdXwNu9uOoGe\r\n", ""), "no a=ice-pwd");
        rejects(offer.replaceAll("a=fingerprint:[^\r]*\r\n", ""), "no a=fingerprint");
        rejects(offer.replace("a=mid:1\r\n", ""), "m-line 2 (audio) has no a=mid");
        rejects(offer.replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2"), "BUNDLE group names mid '2'");
    }

    @Test
    void garbageBytes() {
        rejects("\u0000\u0001\u0002binary\u00ff", "line 1");
        rejects("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nx=\u0007bell\r\n", "line 3: control or invalid character 0x7");
        rejects("hello world", "line 1: not '<type>=<value>'");
        rejects("v=1\r\n", "must start with v=0");
        rejects(SdpOfferAnswerTest.chromiumOffer().replace("a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8"),
                "rtpmap encoding");
        rejects(SdpOfferAnswerTest.chromiumOffer().replace("m=audio 9 ", "m=audio nine "), "port 'nine'");
        rejects(SdpOfferAnswerTest.chromiumOffer().replace("SAVPF 111 63", "SAVPF 300 63"), "payload type 300");
        rejects(SdpOfferAnswerTest.chromiumOffer().replace("a=fingerprint:sha-256 7B:8B", "a=fingerprint:sha-256 ZZ:8B"),
                "not colon-separated hex");
        rejects(SdpOfferAnswerTest.chromiumOffer().replace("a=extmap:5 ", "a=extmap:0 "), "extmap id 0");
        rejects(SdpOfferAnswerTest.chromiumOffer().replace("a=setup:actpass", "a=setup:sideways"), "setup role");
    }

    @Test
    void hugeLineAndHugeDocument() {
        rejects("v=0\r\ns=" + "x".repeat(5000) + "\r\n", "line 2: 5002 characters exceeds");
        rejects("v=0\r\n" + "a=x\r\n".repeat(30_000), "exceeds the limit");
    }

    /** Truncations and byte flips of a real offer give SdpException or a parse, never another exception. */
    @Test
    void mutatedOffersNeverThrowAnythingElse() {
        String offer = SdpOfferAnswerTest.chromiumOffer();
        Random random = new Random(1);
        for (int i = 0; i < 3000; i++) {
            char[] c = offer.substring(0, random.nextInt(offer.length() + 1)).toCharArray();
            for (int k = 0; k < 3 && c.length > 0; k++) {
                c[random.nextInt(c.length)] = (char) (random.nextInt(96) + 32 - (random.nextInt(8) == 0 ? 22 : 0));
            }
            try {
                SdpParser.parseOffer(new String(c));
            } catch (SdpException expected) {
                // fine: malformed input is reported as such
            }
        }
    }
}
