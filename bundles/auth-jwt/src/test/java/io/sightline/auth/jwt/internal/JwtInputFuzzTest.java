package io.sightline.auth.jwt.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Coverage-guided fuzzing of what reaches the token provider from outside: a bearer token (any string a viewer
 * sends), the claims of a correctly signed token (what a holder of a signing key could put in), and the JWKS file an
 * operator configures. A token must come out as a verdict, never as an exception; a JWKS file must be refused with
 * the checked exceptions {@link VerificationKeys#create} declares.
 */
class JwtInputFuzzTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-fuzz".getBytes(StandardCharsets.UTF_8);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC);
    private static final TokenVerifier VERIFIER;
    private static final Path JWKS_FILE;

    static {
        try {
            VERIFIER = new TokenVerifier(VerificationKeys.create(SECRET, null, null, 60_000, 1000), null, null,
                    Duration.ofSeconds(30), CLOCK);
            JWKS_FILE = Files.createTempFile("fuzz", ".jwks");
            JWKS_FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void bearerToken(byte[] data) {
        decide(new String(data, StandardCharsets.UTF_8));
    }

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void signedClaims(byte[] data) throws JOSEException {
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256),
                new Payload(new String(data, StandardCharsets.UTF_8)));
        jws.sign(new MACSigner(SECRET));
        decide(jws.serialize());
    }

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void jwksFile(byte[] data) throws IOException {
        Files.write(JWKS_FILE, data);
        try (VerificationKeys keys = VerificationKeys.create(SECRET, JWKS_FILE, null, 60_000, 1000)) {
            for (JWSAlgorithm alg : new JWSAlgorithm[] {JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256}) {
                keys.verifiersFor(new JWSHeader.Builder(alg).keyID("k1").build());
                keys.verifiersFor(new JWSHeader(alg));
            }
        } catch (ParseException | JOSEException refused) {
            // the component logs the file and the reason and keeps no keys from it
        }
    }

    private static void decide(String token) {
        AccessDecision d = VERIFIER.decide(new AccessRequest(Action.READ, "cam1", token, "192.0.2.1", "127.0.0.1"));
        if (d == null) {
            throw new AssertionError("no decision");
        }
    }
}
