package io.sightline.web.console.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Follows every page's scripts and styles and every module's static imports, resolved as the browser resolves them
 * against the URLs the servlets serve, and checks that each lands on a file the servlets serve: a renamed file or a
 * wrong relative path fails here instead of as a blank player.
 */
class ModuleGraphTest {
    private static final Pattern HTML_REF = Pattern.compile("(?:src|href)=\"([^\"#]+\\.(?:js|css))\"");
    private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*(?:import|export)\\b[^'\"]*?from\\s+'([^']+)'");
    private static final Pattern CSS_URL = Pattern.compile("new URL\\('([^']+\\.css)', import\\.meta\\.url\\)");
    private final WebAssets assets = new WebAssets(ModuleGraphTest.class.getClassLoader()::getResource);

    @Test
    void everyReferenceOfThePlayerPageResolves() {
        follow(URI.create("http://host/play/demo"), PlayerPageServlet.PAGE, new ArrayList<>());
    }

    @Test
    void everyReferenceOfTheStreamListResolvesFromBothItsUrls() {
        follow(URI.create("http://host/"), StreamListServlet.PAGE, new ArrayList<>());
        follow(URI.create("http://host/streams"), StreamListServlet.PAGE, new ArrayList<>());
    }

    @Test
    void everyReferenceOfTheAdminPageResolves() {
        List<String> seen = new ArrayList<>();
        follow(URI.create("http://host/admin"), AdminPageServlet.PAGE, seen);
        assertTrue(seen.contains("js/admin.js") && seen.contains("css/admin.css") && seen.contains("css/console.css"),
                seen.toString());
    }

    @Test
    void everyReferenceOfThePlayerElementResolves() {
        List<String> seen = new ArrayList<>();
        follow(URI.create("http://host/player/sightline-player.js"), "player/sightline-player.js", seen);
        assertTrue(seen.contains("js/whep-client.js") && seen.contains("js/timecode.js")
                && seen.contains("css/player.css"), seen.toString());
    }

    private void follow(URI url, String file, List<String> seen) {
        if (seen.contains(file)) {
            return;
        }
        seen.add(file);
        String text = new String(assets.find(file).orElseThrow(() -> new AssertionError("missing web/" + file))
                .content(), StandardCharsets.UTF_8);
        List<Pattern> patterns = file.endsWith(".html") ? List.of(HTML_REF) : List.of(IMPORT, CSS_URL);
        for (Pattern pattern : patterns) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                URI target = url.resolve(m.group(1));
                String served = servedFile(target.getPath());
                assertTrue(served != null && assets.find(served).isPresent(),
                        file + " refers to " + m.group(1) + " = " + target.getPath() + ", which is not served");
                follow(target, served, seen);
            }
        }
    }

    /** The file the asset servlet answers a path with, per its patterns. */
    private static String servedFile(String path) {
        for (String prefix : List.of("/js/", "/css/", "/player/")) {
            if (path.startsWith(prefix)) {
                return AssetServlet.relativePath(prefix.substring(0, prefix.length() - 1),
                        path.substring(prefix.length() - 1));
            }
        }
        return null;
    }
}
