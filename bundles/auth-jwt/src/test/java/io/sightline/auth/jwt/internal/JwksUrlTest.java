package io.sightline.auth.jwt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessDecision.Verdict;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys fetched from a JWKS URL (a real HTTP server on loopback) are used and cached. */
class JwksUrlTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    /** A port of the range this project gives the auth tests. */
    private static final int PORT = 9151;
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.UTF_8);

    private HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private ECKey ec;

    @BeforeEach
    void serveKeys() throws Exception {
        ec = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        byte[] body = new JWKSet(ec.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void es256TokenVerifiesWithFetchedKeyFetchedOnce() throws Exception {
        URL url = new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        try (VerificationKeys keys = VerificationKeys.create(SECRET, null, url, 60_000, 1000)) {
            TokenVerifier verifier = new TokenVerifier(keys, null, null, Duration.ZERO,
                    Clock.fixed(NOW, ZoneOffset.UTC));
            String token = TokenVerifierTest.sign(JWSAlgorithm.ES256, new ECDSASigner(ec), "idp-1",
                    TokenVerifierTest.claims(List.of("cam1"), List.of("read")).build());
            for (int i = 0; i < 3; i++) {
                AccessDecision d = verifier.decide(new AccessRequest(Action.READ, "cam1", token, null, null));
                assertEquals(Verdict.ALLOW, d.verdict(), d.reason());
            }
            assertEquals(1, fetches.get(), "keys are cached between decisions");
        }
    }

    @Test
    void unreachableJwksUrlDeniesWithReason() throws Exception {
        URL url = new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/missing.json");
        try (VerificationKeys keys = VerificationKeys.create(SECRET, null, url, 60_000, 1000)) {
            TokenVerifier verifier = new TokenVerifier(keys, null, null, Duration.ZERO,
                    Clock.fixed(NOW, ZoneOffset.UTC));
            String token = TokenVerifierTest.sign(JWSAlgorithm.ES256, new ECDSASigner(ec), "idp-1",
                    TokenVerifierTest.claims(List.of("cam1"), List.of("read")).build());
            AccessDecision d = verifier.decide(new AccessRequest(Action.READ, "cam1", token, null, null));
            assertEquals(Verdict.DENY, d.verdict());
            assertTrue(d.reason().contains("verification keys unavailable"), d.reason());
        }
    }
}
