package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin console ({@code /admin}) in headless Chromium against the real distribution with realm users in
 * etc/users.properties (the {@link AccessMatrixServer} set-up): wrong credentials and a user without the admin role
 * are told apart, an admin sees the live streams, a real viewer's session shows up and is ended by Disconnect (the
 * API agrees), and Share yields a working token link. The credential stays in the page's memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern SESSION_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AccessMatrixServer server;

    @BeforeAll
    void start() throws Exception {
        server = AccessMatrixServer.start(Path.of(SightlineServerExtension.property("sightline.distribution")),
                Path.of(SightlineServerExtension.property("e2e.workDir") + "-admin-console"));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Order(1)
    @Test
    void aWrongPasswordIsRefused() throws Exception {
        signIn(AccessMatrixServer.ADMIN, "not-" + AccessMatrixServer.ADMIN_PASSWORD);
        String error = awaitLoginError();
        assertTrue(error.contains("Wrong user or password"), error);
        assertEquals(Boolean.TRUE, browser.script("return document.getElementById('console').hidden;"));
    }

    @Order(2)
    @Test
    void aUserWithoutTheAdminRoleIsToldSo() throws Exception {
        signIn(AccessMatrixServer.VIEWER, AccessMatrixServer.VIEWER_PASSWORD);
        String error = awaitLoginError();
        assertTrue(error.contains("not an admin"), error);
        assertEquals(Boolean.TRUE, browser.script("return document.getElementById('console').hidden;"));
    }

    @Order(3)
    @Test
    void anAdminSeesTheLiveStreams() throws Exception {
        signIn(AccessMatrixServer.ADMIN, AccessMatrixServer.ADMIN_PASSWORD);
        browser.await(WAIT, "demo listed live", () -> browser.script(
                "const r = document.querySelector('#streams tr[data-stream=\"demo\"]');"
                        + " return r && !document.getElementById('console').hidden ? r.cells[1].textContent : null;"),
                "live"::equals);
        assertEquals("live", browser.script(
                "return document.querySelector('#streams tr[data-stream=\"secret\"]').cells[1].textContent;"));
        assertEquals("play/demo", browser.script(
                "return document.querySelector('#streams tr[data-stream=\"demo\"] a').getAttribute('href');"));
        // Nothing of the credential outside the page's memory: not in the URL, storage or cookies.
        @SuppressWarnings("unchecked")
        List<Object> traces = (List<Object>) browser.script("return [location.href, localStorage.length,"
                + " sessionStorage.length, document.cookie, document.getElementById('login-password').value];");
        assertEquals(List.of(server.url("/admin").toString(), 0L, 0L, "", ""), traces);
        browser.screenshot("AdminConsoleE2E-signed-in");
    }

    @Order(4)
    @Test
    void aViewerSessionShowsUpAndDisconnectEndsIt() throws Exception {
        // A real viewer: the player page in a second window of the same browser.
        browser.script("window.viewer = window.open('/play/demo', 'viewer', 'width=640,height=400');");
        try {
            String id = (String) browser.await(WAIT, "a demo session in the sessions table", () -> browser.script(
                    "const r = [...document.querySelectorAll('#sessions tbody tr')]"
                            + ".find(r => r.cells[1].textContent === 'demo'); return r ? r.dataset.session : null;"),
                    s -> true);
            assertTrue(apiSessions().contains(id), "the API lists " + id);
            browser.screenshot("AdminConsoleE2E-session");

            browser.script("document.querySelector(arguments[0]).click();",
                    "#sessions tr[data-session=\"" + id + "\"] button.disconnect");
            browser.await(WAIT, "session " + id + " gone from the table", () -> browser.script(
                    "return document.querySelector(arguments[0]) === null;", "#sessions tr[data-session=\"" + id + "\"]"),
                    Boolean.TRUE::equals);
            assertFalse(apiSessions().contains(id), "the API still lists " + id);
            // And a refresh (every 2 s) does not bring it back.
            Thread.sleep(2500);
            assertEquals(Boolean.TRUE, browser.script("return document.querySelector(arguments[0]) === null;",
                    "#sessions tr[data-session=\"" + id + "\"]"));
        } finally {
            browser.script("if (window.viewer) window.viewer.close();");
        }
    }

    @Order(5)
    @Test
    void shareGivesAWorkingTokenLink() throws Exception {
        assumeTrue(server.jwtAvailable(), "the distribution has no JWT provider (feature sightline-auth-jwt)");
        // The token-only stream, so the link is worth something: anonymous callers cannot list it.
        browser.script("const row = document.querySelector('#streams tr[data-stream=\"secret\"]');"
                + " row.querySelector('select').value = '1h'; row.querySelector('button.share-button').click();");
        String url = (String) browser.await(WAIT, "a share link", () -> browser.script(
                "const s = document.getElementById('share'); const v = document.getElementById('share-url').value;"
                        + " return s.hidden || !v ? null : v;"), v -> true);
        assertTrue(url.startsWith(server.url("/play/secret?token=").toString()), url);
        browser.screenshot("AdminConsoleE2E-share");
        browser.script("document.getElementById('share-copy').click();");
        browser.await(WAIT, "the copy button answering", () -> browser.script(
                "return document.getElementById('share-copied').textContent;"), t -> !t.toString().isEmpty());

        assertEquals(200, get(URI.create(url)).statusCode(), url);
        String token = url.substring(url.indexOf("token=") + 6);
        HttpResponse<String> listed = get(server.url("/streams.json?token=" + token));
        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains("\"name\":\"secret\""), listed.body());
        assertFalse(listed.body().contains("\"name\":\"demo\""), "a share link reads one stream: " + listed.body());
        HttpResponse<String> anonymous = get(server.url("/streams.json"));
        assertEquals(200, anonymous.statusCode(), "without the token: the anonymously watchable streams");
        assertFalse(anonymous.body().contains("\"name\":\"secret\""), anonymous.body());
    }

    @Order(6)
    @Test
    void aStreamIsCreatedFromTheFormPlaysStopsStartsFollowsAnEditAndIsRemoved() throws Exception {
        browser.script("window.confirm = () => true;"); // the confirmation dialogs, answered yes
        browser.click("#new-stream");
        browser.await(WAIT, "the plugin's own fields in the form", () -> browser.script(
                "return document.getElementById('field-source-width') !== null;"), Boolean.TRUE::equals);
        browser.script("const f = document.getElementById('stream-form');"
                + " f.elements.name.value = 'e2e-lobby';"
                + " document.getElementById('field-source-width').value = '320';"
                + " document.getElementById('field-source-height').value = '240';"
                + " document.getElementById('field-access').value = 'public';");
        browser.screenshot("AdminConsoleE2E-form");
        browser.click("#stream-save");
        awaitPreview("live");
        assertEquals(320.0, browser.await(WAIT, "a 320 wide picture", () -> previewWidth(), w -> w == 320.0));
        browser.script("document.getElementById('editor').scrollIntoView();");
        browser.screenshot("AdminConsoleE2E-preview");

        browser.click("#streams tr[data-stream=\"e2e-lobby\"] button.toggle");
        awaitPreview("stopped");
        browser.await(WAIT, "the row says stopped", () -> browser.script("return document.querySelector("
                + "'#streams tr[data-stream=\"e2e-lobby\"]').cells[1].textContent;"), "stopped"::equals);
        browser.script("document.getElementById('editor').scrollIntoView();");
        browser.screenshot("AdminConsoleE2E-stopped");

        browser.click("#streams tr[data-stream=\"e2e-lobby\"] button.toggle");
        awaitPreview("live");

        browser.script("document.getElementById('field-source-width').value = '640';"
                + " document.getElementById('field-source-height').value = '360';");
        browser.click("#stream-save");
        browser.await(Duration.ofSeconds(30), "the preview following the new resolution", () -> previewWidth(),
                w -> w == 640.0);

        browser.await(WAIT, "resource figures", () -> browser.script("const t = document.querySelector("
                + "'#resources [data-figure=\"Threads\"] dd'); return t ? Number(t.textContent) : 0;"),
                n -> ((Number) n).doubleValue() > 0);
        browser.await(WAIT, "a chart of the new stream", () -> browser.script("return document.querySelector("
                + "'#stream-charts [data-chart=\"e2e-lobby fps\"]') !== null;"), Boolean.TRUE::equals);
        String rss = (String) browser.script("return document.querySelector('#resources [data-figure=\"Resident "
                + "memory\"] dd').textContent;");
        assertTrue(rss.endsWith("MB") || rss.endsWith("GB"), rss);
        browser.script("document.getElementById('resources-title').scrollIntoView();");
        browser.screenshot("AdminConsoleE2E-resources");
        browser.windowSize(390, 844);
        browser.script("document.getElementById('streams-title').scrollIntoView();");
        browser.screenshot("AdminConsoleE2E-phone");
        browser.windowSize(1280, 800);
        assertTrue(((String) browser.script("return document.querySelector('#audit tbody').textContent;"))
                .contains("e2e-lobby"), "the changes are in the audit table");

        browser.click("#streams tr[data-stream=\"e2e-lobby\"] button.remove");
        browser.await(WAIT, "the row gone", () -> browser.script(
                "return document.querySelector('#streams tr[data-stream=\"e2e-lobby\"]') === null;"),
                Boolean.TRUE::equals);
    }

    private void awaitPreview(String state) throws InterruptedException {
        browser.await(Duration.ofSeconds(30), "the preview " + state, () -> browser.script(
                "const p = document.getElementById('preview-player'); return p ? p.state : null;"), state::equals);
    }

    private double previewWidth() {
        Object w = browser.script("const p = document.getElementById('preview-player');"
                + " const s = p && p.stats(); return s ? s.width : 0;");
        return w instanceof Number n ? n.doubleValue() : 0;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Opens the console afresh and submits the form (the page's own submit handler, as a click would). */
    private void signIn(String user, String password) {
        browser.open(server.url("/admin"));
        browser.script("const f = document.getElementById('login');"
                + " f.elements.user.value = arguments[0]; f.elements.password.value = arguments[1];"
                + " f.requestSubmit();", user, password);
    }

    private String awaitLoginError() throws InterruptedException {
        return (String) browser.await(WAIT, "a sign-in error", () -> browser.script(
                "return document.getElementById('login-error').textContent;"), t -> !t.toString().isEmpty());
    }

    private List<String> apiSessions() throws IOException, InterruptedException {
        String auth = "Basic " + Base64.getEncoder().encodeToString((AccessMatrixServer.ADMIN + ":"
                + AccessMatrixServer.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.url("/api/sessions"))
                .header("Authorization", auth).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = SESSION_ID.matcher(r.body());
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private HttpResponse<String> get(URI url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
