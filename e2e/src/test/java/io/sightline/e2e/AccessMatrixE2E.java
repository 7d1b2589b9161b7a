package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every access-controlled endpoint of the real distribution against every kind of credential, with the exact
 * status (docs/decisions/0014-access-gate.md), and after every refusal proof that nothing was allocated: the admin
 * API lists no new session and /health reports no new viewer. Token rows need the JWT provider
 * (feature sightline-auth-jwt); when the distribution lacks it they are skipped, not passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessMatrixE2E {
    private static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
            + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 "
            + "AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=setup:actpass\r\na=rtcp-mux\r\n"
            + "a=recvonly\r\na=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;"
            + "profile-level-id=42e01f\r\n";
    private static final String CANDIDATE = "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 102\r\na=mid:0\r\n"
            + "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n";
    private static final Pattern VIEWERS = Pattern.compile("\"viewers\"\\s*:\\s*(\\d+)");

    /** The bearer credentials of the matrix. */
    enum Cred {
        NONE(false), MALFORMED(false), EXPIRED(true), WRONG_SIGNATURE(true), WRONG_STREAM(true), WRONG_ACTION(true),
        VALID(true), OTHER_VALID(true);

        final boolean needsJwt;

        Cred(boolean needsJwt) {
            this.needsJwt = needsJwt;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AccessMatrixServer server;
    /** The session the VALID token created, once it exists. */
    private String sessionPath;
    private String sessionEtag;

    @BeforeAll
    void start() throws Exception {
        server = AccessMatrixServer.start(Path.of(SightlineServerExtension.property("sightline.distribution")),
                Path.of(SightlineServerExtension.property("e2e.workDir") + "-access"));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- WHEP POST ----------------------------------------------------------------------------------------------

    @Order(1)
    @TestFactory
    Stream<DynamicTest> whepPostRefusals() {
        List<DynamicTest> rows = new ArrayList<>();
        for (Cred c : Cred.values()) {
            if (c != Cred.VALID && c != Cred.OTHER_VALID) {
                rows.add(row("POST /whep/secret " + c, c, () -> refusedPost("/whep/secret", c, expectedForSecret(c))));
            }
            // A name no stream has: without a valid credential exactly like a forbidden stream; a valid token learns
            // it is unknown only when it covers the name.
            int unknown = switch (c) {
                case WRONG_STREAM, WRONG_ACTION, VALID -> 403;
                case OTHER_VALID -> 404;
                default -> 401;
            };
            rows.add(row("POST /whep/nosuch " + c, c, () -> refusedPost("/whep/nosuch", c, unknown)));
        }
        rows.add(row("POST /whep/secret?token=expired", Cred.EXPIRED, () -> {
            HttpResponse<String> r = send("POST", "/whep/secret?token=" + token(Cred.EXPIRED), Cred.NONE,
                    "application/sdp", OFFER);
            assertStatus(401, r);
            assertNothingAllocated(0);
        }));
        rows.add(row("POST oversized body", Cred.NONE, () -> {
            assertStatus(413, send("POST", "/whep/nosuch", Cred.NONE, "application/sdp", "v=0\r\n" + "a".repeat(70_000)));
            assertNothingAllocated(0);
        }));
        rows.add(row("POST /whep/demo (public from 127.0.0.1) with a rejected token", Cred.EXPIRED, () ->
                refusedPost("/whep/demo", Cred.EXPIRED, 401)));
        return rows.stream();
    }

    private static int expectedForSecret(Cred c) {
        return switch (c) {
            case WRONG_STREAM, WRONG_ACTION -> 403;
            default -> 401;
        };
    }

    private void refusedPost(String path, Cred c, int status) throws Exception {
        HttpResponse<String> r = send("POST", path, c, "application/sdp", OFFER);
        assertStatus(status, r);
        assertNothingAllocated(0);
    }

    @Order(2)
    @Test
    void aValidTokenCreatesOneSessionAndTheStreamLimitRefusesTheNext() throws Exception {
        assumeTrue(server.jwtAvailable(), "feature sightline-auth-jwt is not in the distribution");
        HttpResponse<String> r = send("POST", "/whep/secret", Cred.VALID, "application/sdp", OFFER);
        assertStatus(201, r);
        sessionPath = r.headers().firstValue("Location").orElseThrow();
        sessionEtag = r.headers().firstValue("ETag").orElseThrow();
        assertNothingAllocated(1);
        HttpResponse<String> full = send("POST", "/whep/secret", Cred.VALID, "application/sdp", OFFER);
        assertStatus(503, full);
        assertTrue(full.headers().firstValue("Retry-After").isPresent(), "503 carries Retry-After");
        assertNothingAllocated(1);
    }

    // ---- WHEP PATCH and DELETE ----------------------------------------------------------------------------------

    @Order(3)
    @TestFactory
    Stream<DynamicTest> sessionRefusals() {
        List<DynamicTest> rows = new ArrayList<>();
        for (Cred c : Cred.values()) {
            if (c == Cred.VALID) {
                continue;
            }
            // Another valid token for the stream is still not the credential that created the session.
            int status = c == Cred.OTHER_VALID ? 403 : expectedForSecret(c);
            rows.add(row("PATCH session " + c, c, () -> {
                assumeTrue(sessionPath != null, "no session (needs the JWT provider)");
                assertStatus(status, send("PATCH", sessionPath, c, "application/trickle-ice-sdpfrag", CANDIDATE,
                        "If-Match", sessionEtag));
                assertNothingAllocated(1);
            }));
            rows.add(row("DELETE session " + c, c, () -> {
                assumeTrue(sessionPath != null, "no session (needs the JWT provider)");
                assertStatus(status, send("DELETE", sessionPath, c, null, null));
                assertNothingAllocated(1);
            }));
        }
        rows.add(row("DELETE unknown session without credential", Cred.NONE, () -> {
            assertStatus(401, send("DELETE", "/whep/secret/0123456789abcdef0123456789abcdef", Cred.NONE, null, null));
            assertStatus(401, send("PATCH", "/whep/nosuch/0123456789abcdef0123456789abcdef", Cred.NONE,
                    "application/trickle-ice-sdpfrag", CANDIDATE, "If-Match", "\"x\""));
        }));
        return rows.stream();
    }

    @Order(4)
    @Test
    void theCreatorPatchesAndDeletesItsSession() throws Exception {
        assumeTrue(sessionPath != null, "no session (needs the JWT provider)");
        assertStatus(204, send("PATCH", sessionPath, Cred.VALID, "application/trickle-ice-sdpfrag", CANDIDATE,
                "If-Match", sessionEtag));
        assertStatus(200, send("DELETE", sessionPath, Cred.VALID, null, null));
        assertNothingAllocated(0);
        assertStatus(404, send("DELETE", sessionPath, Cred.VALID, null, null));
    }

    // ---- admin API ----------------------------------------------------------------------------------------------

    @Order(5)
    @TestFactory
    Stream<DynamicTest> adminApi() {
        List<DynamicTest> rows = new ArrayList<>();
        String[][] endpoints = {{"GET", "/api/streams"}, {"GET", "/api/sessions"},
                {"DELETE", "/api/sessions/0123456789abcdef0123456789abcdef"},
                {"POST", "/api/streams/secret/share?ttl=10m"}};
        for (String[] e : endpoints) {
            String name = e[0] + " " + e[1];
            rows.add(row(name + " no credential", Cred.NONE, () -> {
                HttpResponse<String> r = sendRaw(e[0], e[1], null);
                assertStatus(401, r);
                assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), "Basic challenge");
            }));
            rows.add(row(name + " malformed Basic", Cred.NONE, () -> assertStatus(401, sendRaw(e[0], e[1], "Basic %%%"))));
            rows.add(row(name + " wrong password", Cred.NONE, () -> assertStatus(401, sendRaw(e[0], e[1],
                    basic(AccessMatrixServer.ADMIN, "wrong")))));
            rows.add(row(name + " user without the admin role", Cred.NONE, () -> assertStatus(403, sendRaw(e[0], e[1],
                    basic(AccessMatrixServer.VIEWER, AccessMatrixServer.VIEWER_PASSWORD)))));
            for (Cred c : Cred.values()) {
                if (c != Cred.NONE) {
                    rows.add(row(name + " bearer " + c, c, () -> assertStatus(401, send(e[0], e[1], c, null, null))));
                }
            }
        }
        rows.add(row("GET /api/streams admin", Cred.NONE, () -> {
            HttpResponse<String> r = sendRaw("GET", "/api/streams", admin());
            assertStatus(200, r);
            assertTrue(r.body().contains("\"name\":\"secret\"") && r.body().contains("\"name\":\"demo\""), r.body());
        }));
        rows.add(row("GET /api/sessions admin", Cred.NONE, () -> assertStatus(200, sendRaw("GET", "/api/sessions",
                admin()))));
        rows.add(row("DELETE /api/sessions/unknown admin", Cred.NONE, () -> assertStatus(404, sendRaw("DELETE",
                "/api/sessions/0123456789abcdef0123456789abcdef", admin()))));
        rows.add(row("POST share admin", Cred.NONE, () -> {
            HttpResponse<String> r = sendRaw("POST", "/api/streams/secret/share?ttl=10m", admin());
            if (!server.jwtAvailable()) {
                assertStatus(503, r);
                return;
            }
            assertStatus(201, r);
            Matcher url = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
            assertTrue(url.find(), r.body());
            assertTrue(url.group(1).contains("/play/secret?token="), url.group(1));
            assertStatus(404, sendRaw("POST", "/api/streams/nosuch/share", admin()));
            assertStatus(400, sendRaw("POST", "/api/streams/secret/share?ttl=forever", admin()));
        }));
        rows.add(row("admin API leaves nothing allocated", Cred.NONE, () -> assertNothingAllocated(0)));
        return rows.stream();
    }

    // ---- the web console's stream list --------------------------------------------------------------------------

    @Order(6)
    @TestFactory
    Stream<DynamicTest> streamList() {
        List<DynamicTest> rows = new ArrayList<>();
        for (Cred c : Cred.values()) {
            rows.add(row("GET /streams.json " + c, c, () -> {
                HttpResponse<String> r = send("GET", "/streams.json", c, null, null);
                switch (c) {
                    case VALID -> {
                        assertStatus(200, r);
                        assertEquals(List.of("secret"), names(r.body()));
                    }
                    case OTHER_VALID -> {
                        assertStatus(200, r);
                        assertTrue(names(r.body()).containsAll(List.of("demo", "secret")), r.body());
                    }
                    case WRONG_STREAM, WRONG_ACTION -> {
                        assertStatus(200, r);
                        assertEquals(List.of(), names(r.body()));
                    }
                    case NONE -> {
                        // No credential: what this address may watch anonymously, never a token-only stream.
                        assertStatus(200, r);
                        assertFalse(names(r.body()).contains("secret"), r.body());
                    }
                    default -> assertStatus(401, r);
                }
            }));
        }
        rows.add(row("GET /streams.json admin", Cred.NONE, () -> {
            HttpResponse<String> r = sendRaw("GET", "/streams.json", admin());
            assertStatus(200, r);
            assertTrue(names(r.body()).containsAll(List.of("demo", "secret")), r.body());
        }));
        rows.add(row("GET /streams.json without the role", Cred.NONE, () -> assertStatus(403, sendRaw("GET",
                "/streams.json", basic(AccessMatrixServer.VIEWER, AccessMatrixServer.VIEWER_PASSWORD)))));
        rows.add(row("GET /streams.json wrong password", Cred.NONE, () -> assertStatus(401, sendRaw("GET",
                "/streams.json", basic(AccessMatrixServer.ADMIN, "nope")))));
        rows.add(row("the start page itself stays public", Cred.NONE, () -> assertStatus(200, sendRaw("GET", "/",
                null))));
        return rows.stream();
    }

    @Order(7)
    @Test
    void theServerIsHealthyAndHoldsNoSessionAfterTheMatrix() throws Exception {
        assertNothingAllocated(0);
    }

    @Order(8)
    @Test
    void aFloodFromOneAddressGets429AndOnlyAFewLogLines() throws Exception {
        java.nio.file.Path cfg = server.home().resolve("etc/io.sightline.signaling.whep.cfg");
        java.nio.file.Files.writeString(cfg, "max.requests.per.second.per.address = 1\n"
                + "request.burst.per.address = 2\nmax.sessions.per.stream = 1\n");
        // The file is picked up within a few seconds; flood until the new limit answers.
        HttpResponse<String> limited = null;
        Instant deadline = Instant.now().plusSeconds(20);
        while (limited == null && Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = send("POST", "/whep/secret", Cred.NONE, "application/sdp", OFFER);
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                // 401 until the new limit applies; Pax Web re-registers the servlet when its configuration
                // changes, so for a moment another servlet may answer.
                Thread.sleep(50);
            }
        }
        assertNotNull(limited, "no 429 within 20 s of lowering the limit");
        assertTrue(limited.headers().firstValue("Retry-After").isPresent(), "429 carries Retry-After");
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            // At 1 request/s a second's worth of the flood still reaches the gate (and gets its 401).
            HttpResponse<String> r = send("POST", "/whep/secret", Cred.NONE, "application/sdp", OFFER);
            refused += r.statusCode() == 429 ? 1 : 0;
            assertTrue(r.statusCode() == 429 || r.statusCode() == 401, r.statusCode() + " " + r.body());
        }
        assertTrue(refused >= 280, "429s in a flood of 300: " + refused);
        assertNothingAllocated(0);
        long logged = java.nio.file.Files.readAllLines(server.home().resolve("data/log/karaf.log")).stream()
                .filter(l -> l.contains("-> 429")).count();
        assertTrue(logged >= 1 && logged <= 10, "429 log lines for ~300 refusals: " + logged);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private DynamicTest row(String name, Cred c, org.junit.jupiter.api.function.Executable body) {
        return DynamicTest.dynamicTest(name, () -> {
            assumeTrue(!c.needsJwt || server.jwtAvailable(), "feature sightline-auth-jwt is not in the distribution");
            body.execute();
        });
    }

    /** The admin API lists exactly {@code sessions} sessions and /health (200) counts as many viewers. */
    private void assertNothingAllocated(int sessions) throws Exception {
        HttpResponse<String> list = sendRaw("GET", "/api/sessions", admin());
        assertStatus(200, list);
        assertEquals(sessions, count(list.body(), "\"id\""), list.body());
        HttpResponse<String> health = sendRaw("GET", "/health", null);
        assertStatus(200, health);
        int viewers = 0;
        for (Matcher m = VIEWERS.matcher(health.body()); m.find();) {
            viewers += Integer.parseInt(m.group(1));
        }
        assertEquals(sessions, viewers, health.body());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static List<String> names(String json) {
        List<String> names = new ArrayList<>();
        for (Matcher m = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(json); m.find();) {
            names.add(m.group(1));
        }
        return names;
    }

    private static void assertStatus(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), () -> r.request().method() + " " + r.uri() + ": " + r.body());
        if (status == 401 && r.uri().getPath().startsWith("/whep/")) {
            assertEquals("Bearer realm=\"sightline\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
        }
    }

    private HttpResponse<String> send(String method, String path, Cred c, String type, String body,
            String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        Optional.ofNullable(type).ifPresent(t -> b.header("Content-Type", t));
        if (c != Cred.NONE) {
            b.header("Authorization", "Bearer " + token(c));
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> sendRaw(String method, String path, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(15))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String admin() {
        return basic(AccessMatrixServer.ADMIN, AccessMatrixServer.ADMIN_PASSWORD);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A compact HS256 JWT with the claims of each matrix row, signed as the server's provider expects. */
    static String token(Cred c) {
        long now = Instant.now().getEpochSecond();
        return switch (c) {
            case NONE -> null;
            case MALFORMED -> "not-a.jwt";
            case EXPIRED -> jwt(AccessMatrixServer.HMAC_SECRET, "matrix-viewer", "[\"secret\"]", "[\"read\"]", now - 3600);
            case WRONG_SIGNATURE -> jwt("another-secret-that-is-long-enough-0123456789", "matrix-viewer",
                    "[\"secret\"]", "[\"read\"]", now + 600);
            case WRONG_STREAM -> jwt(AccessMatrixServer.HMAC_SECRET, "matrix-viewer", "[\"other\"]", "[\"read\"]",
                    now + 600);
            case WRONG_ACTION -> jwt(AccessMatrixServer.HMAC_SECRET, "matrix-viewer", "[\"secret\"]",
                    "[\"publish\"]", now + 600);
            case VALID -> jwt(AccessMatrixServer.HMAC_SECRET, "matrix-viewer", "[\"secret\"]", "[\"read\"]", now + 600);
            case OTHER_VALID -> jwt(AccessMatrixServer.HMAC_SECRET, "matrix-other", "[\"*\"]", "[\"read\"]", now + 600);
        };
    }

    private static String jwt(String secret, String subject, String streams, String actions, long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"sub\":\"" + subject + "\",\"streams\":" + streams + ",\"actions\":"
                + actions + ",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + b64.encodeToString(sig);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(0)
    void tokensAreWellFormed() {
        assertNotNull(token(Cred.VALID));
        assertEquals(3, token(Cred.VALID).split("\\.").length);
    }
}
