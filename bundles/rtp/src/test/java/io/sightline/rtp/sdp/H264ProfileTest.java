package io.sightline.rtp.sdp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Profile compatibility as browsers judge it (Safari offers only 42e01f and 640c1f; OpenH264 writes 42c0xx). */
class H264ProfileTest {
    private static boolean decodable(String stream, String offered) {
        return H264Profile.parse(stream).decodableBy(H264Profile.parse(offered));
    }

    @Test
    void constrainedBaselineSpellingsAreInterchangeable() {
        assertTrue(decodable("42c01f", "42e01f"));
        assertTrue(decodable("42e01f", "42c01f"));
        assertTrue(decodable("42c01f", "42001f"));
    }

    @Test
    void constrainedBaselineIsDecodableByMainAndHigh() {
        assertTrue(decodable("42c01f", "4d001f"));
        assertTrue(decodable("42e01f", "640c1f"));
    }

    @Test
    void plainBaselineNeedsABaselineDecoder() {
        assertTrue(decodable("42001f", "42001f"));
        assertFalse(decodable("42001f", "42e01f"));
        assertFalse(decodable("42001f", "640c1f"));
    }

    @Test
    void highIsNotDecodableByBaselineOrMain() {
        assertFalse(decodable("640c1f", "42e01f"));
        assertFalse(decodable("640c1f", "4d001f"));
        assertTrue(decodable("4d001f", "640c1f"));
    }
}
