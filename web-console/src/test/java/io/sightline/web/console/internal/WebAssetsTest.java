package io.sightline.web.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebAssetsTest {
    private final List<String> lookedUp = new ArrayList<>();
    private final WebAssets assets = new WebAssets(name -> {
        lookedUp.add(name);
        return WebAssetsTest.class.getClassLoader().getResource(name);
    });

    @Test
    void servesTheBundledFilesWithTheirMediaTypes() {
        WebAsset page = assets.find("play.html").orElseThrow();
        assertEquals("text/html;charset=utf-8", page.contentType());
        assertTrue(new String(page.content(), StandardCharsets.UTF_8).contains("play-page.js"));
        assertEquals("text/javascript;charset=utf-8", assets.find("js/timecode.js").orElseThrow().contentType());
        assertEquals("text/css;charset=utf-8", assets.find("css/player.css").orElseThrow().contentType());
        assertTrue(new String(assets.find("publish.html").orElseThrow().content(), StandardCharsets.UTF_8)
                .contains("publish-page.js"));
        assertEquals("text/javascript;charset=utf-8", assets.find("js/publish-page.js").orElseThrow().contentType());
    }

    @Test
    void neverLooksUpAnythingOutsideTheWebFolder() {
        for (String path : List.of("../bnd.bnd", "js/../../META-INF/MANIFEST.MF", "..", "js/..", "/etc/passwd",
                "js//timecode.js", "js\\timecode.js", ".hidden.js", "js/.timecode.js", "js/%2e%2e/x.js",
                "META-INF/../../x.class", "js", "js/", "", "io/sightline/web/console/internal/AssetServlet.class/x")) {
            assertTrue(assets.find(path).isEmpty(), path);
        }
        assertEquals(List.of(), lookedUp, "unsafe paths must be refused before any class path lookup");
        assertTrue(assets.find(null).isEmpty());
    }

    @Test
    void aSafeButMissingFileIsNotFound() {
        assertTrue(assets.find("js/nothing-here.js").isEmpty());
        assertEquals(List.of("web/js/nothing-here.js"), lookedUp);
    }

    @Test
    void directoriesAreNeverServed() {
        assertFalse(WebAssets.isSafe("js"));
        assertFalse(WebAssets.isSafe("player"));
        assertTrue(WebAssets.isSafe("player/sightline-player.js"));
    }

    @Test
    void theEntityTagFollowsTheContent() {
        WebAsset a = WebAsset.of("a.js", "one".getBytes(StandardCharsets.UTF_8));
        WebAsset b = WebAsset.of("a.js", "two".getBytes(StandardCharsets.UTF_8));
        assertFalse(a.etag().equals(b.etag()));
        assertTrue(a.etag().startsWith("\"") && a.etag().endsWith("\""));
        assertTrue(a.matches(a.etag()));
        assertTrue(a.matches("\"x\", W/" + a.etag()));
        assertTrue(a.matches("*"));
        assertFalse(a.matches(b.etag()));
        assertFalse(a.matches(null));
    }

    @Test
    void mediaTypes() {
        assertEquals("text/javascript;charset=utf-8", WebAsset.MediaTypes.forPath("player/x.mjs"));
        assertEquals("image/svg+xml", WebAsset.MediaTypes.forPath("img/logo.svg"));
        assertEquals("application/octet-stream", WebAsset.MediaTypes.forPath("x.bin"));
        assertEquals("application/octet-stream", WebAsset.MediaTypes.forPath("README"));
    }

    @Test
    void cachesWhatItRead() {
        URL before = WebAssetsTest.class.getClassLoader().getResource("web/js/player.js");
        assertTrue(before != null);
        assets.find("js/player.js");
        assets.find("js/player.js");
        assertEquals(1, lookedUp.size());
    }
}
