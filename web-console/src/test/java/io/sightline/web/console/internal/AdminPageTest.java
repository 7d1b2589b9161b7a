package io.sightline.web.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The admin page's promises that a browser test would only catch by accident: the credential never leaves memory,
 * every API call omits the browser's own credentials, and the page carries no inline script or style its content
 * security policy would block.
 */
class AdminPageTest {
    private final WebAssets assets = new WebAssets(AdminPageTest.class.getClassLoader()::getResource);

    @Test
    void theCredentialIsKeptInMemoryOnly() {
        String script = text("js/admin.js");
        for (String store : new String[] {"localStorage", "sessionStorage", "document.cookie", "indexedDB",
                "history.pushState", "history.replaceState", "location.hash", "location.search"}) {
            assertFalse(script.contains(store), "admin.js must not use " + store);
        }
    }

    @Test
    void everyFetchOmitsTheBrowsersCredentials() {
        String script = text("js/admin.js");
        Matcher fetches = Pattern.compile("\\bfetch\\(").matcher(script);
        int count = 0;
        while (fetches.find()) {
            count++;
        }
        assertEquals(1, count, "one fetch helper, so no call can forget credentials: 'omit'");
        assertTrue(script.contains("credentials: 'omit'"));
    }

    @Test
    void thePageHasNoInlineScriptOrStyle() {
        String page = text(AdminPageServlet.PAGE);
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(page).find(), "inline <script>");
        assertFalse(page.contains("<style"), "inline <style>");
        assertFalse(Pattern.compile("\\son[a-z]+=").matcher(page).find(), "inline event handler");
        assertFalse(page.contains(" style="), "style attribute");
        assertTrue(page.contains("type=\"password\""));
    }

    private String text(String path) {
        return new String(assets.find(path).orElseThrow().content(), StandardCharsets.UTF_8);
    }
}
