package io.sightline.web.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoutesTest {
    @Test
    void playerPagePathsNameOneStream() {
        assertTrue(PlayerPageServlet.isStreamPath("/demo"));
        assertTrue(PlayerPageServlet.isStreamPath("/cam-1.hd_2"));
        assertFalse(PlayerPageServlet.isStreamPath(null));
        assertFalse(PlayerPageServlet.isStreamPath("/"));
        assertFalse(PlayerPageServlet.isStreamPath("/a/b"));
        assertFalse(PlayerPageServlet.isStreamPath("/demo/"));
        assertFalse(PlayerPageServlet.isStreamPath("/.hidden"));
        assertFalse(PlayerPageServlet.isStreamPath("/../x"));
        assertFalse(PlayerPageServlet.isStreamPath("/<script>"));
        assertFalse(PlayerPageServlet.isStreamPath("/" + "x".repeat(65)));
    }

    @Test
    void assetPathsJoinTheServletPathAndThePathInfo() {
        assertEquals("js/player.js", AssetServlet.relativePath("/js", "/player.js"));
        assertEquals("player/sightline-player.js", AssetServlet.relativePath("/player", "/sightline-player.js"));
        assertNull(AssetServlet.relativePath("/js", null));
        assertNull(AssetServlet.relativePath("", "/x.js"));
    }

    @Test
    void theStreamListAnswersOnlyTheRootAndStreams() {
        assertTrue(StreamListServlet.isListPath("", "/"));
        assertTrue(StreamListServlet.isListPath("/", null));
        assertTrue(StreamListServlet.isListPath("", null));
        assertTrue(StreamListServlet.isListPath("/streams", null));
        assertFalse(StreamListServlet.isListPath("/favicon.ico", null));
        assertFalse(StreamListServlet.isListPath("/streams/x", null));
        assertFalse(StreamListServlet.isListPath("/whatever", "/x"));
    }

    @Test
    void theAdminPageAnswersExactlyAdmin() {
        assertTrue(AdminPageServlet.isAdminPath("/admin", null));
        assertTrue(AdminPageServlet.isAdminPath("/admin", ""));
        assertFalse(AdminPageServlet.isAdminPath("/admin", "/x"));
        assertFalse(AdminPageServlet.isAdminPath("/admin/", null));
        assertFalse(AdminPageServlet.isAdminPath(null, null));
    }

    @Test
    void theAdminPageMayNotBeFramedNorTalkToOtherOrigins() {
        String csp = AdminPageServlet.CONTENT_SECURITY_POLICY;
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("connect-src 'self'"), csp);
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
    }

    @Test
    void thePublishPageMayNotBeFramedNorTalkToOtherOrigins() {
        String csp = PublishPageServlet.CONTENT_SECURITY_POLICY;
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("connect-src 'self'"), csp);
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
    }
}
