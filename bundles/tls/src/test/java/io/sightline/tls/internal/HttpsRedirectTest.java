package io.sightline.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HttpsRedirectTest {
    @Test
    void locationKeepsHostPathAndQuery() {
        assertEquals("https://video.example:8443/play/cam1?token=abc",
                HttpsRedirect.location("video.example", 8443, "/play/cam1", "token=abc"));
        assertEquals("https://video.example/", HttpsRedirect.location("video.example", 443, "/", null));
        assertEquals("https://[::1]:8443/whep/a%20b", HttpsRedirect.location("::1", 8443, "/whep/a%20b", null));
        assertEquals("https://[::1]:8443/x", HttpsRedirect.location("[::1]", 8443, "/x", null));
    }

    @Test
    void onlyHealthIsExempt() {
        assertTrue(HttpsRedirect.exempt("/health"));
        assertTrue(HttpsRedirect.exempt("/health/live"));
        assertFalse(HttpsRedirect.exempt("/healthz"));
        assertFalse(HttpsRedirect.exempt("/play/cam1"));
    }
}
