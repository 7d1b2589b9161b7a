package io.sightline.auth.jwt.internal;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cost of one {@link TokenVerifier#decide} per algorithm (not a test; run by hand, see docs/performance.md).
 */
public final class TokenVerifierBenchmark {
    private TokenVerifierBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef-bench".getBytes(StandardCharsets.UTF_8);
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("r").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("e").generate();
        Path jwks = Files.createTempFile("bench", ".jwks");
        Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        TokenVerifier verifier = new TokenVerifier(VerificationKeys.create(secret, jwks, null, 60_000, 1000), null,
                null, Duration.ofSeconds(30), Clock.systemUTC());
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("bench")
                .expirationTime(new Date(System.currentTimeMillis() + 3_600_000))
                .claim("streams", List.of("cam-*")).claim("actions", List.of("read")).build();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("HS256", TokenVerifierTest.sign(JWSAlgorithm.HS256, new MACSigner(secret), null, claims));
        tokens.put("RS256", TokenVerifierTest.sign(JWSAlgorithm.RS256, new RSASSASigner(rsa), "r", claims));
        tokens.put("ES256", TokenVerifierTest.sign(JWSAlgorithm.ES256, new ECDSASigner(ec), "e", claims));
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            AccessRequest request = new AccessRequest(Action.READ, "cam-7", token.getValue(), "192.0.2.1", null);
            for (int i = 0; i < rounds / 5; i++) {
                if (!verifier.decide(request).allowed()) {
                    throw new IllegalStateException(token.getKey() + " refused");
                }
            }
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                verifier.decide(request);
            }
            System.out.printf("%s: %.1f us per decision (%d rounds)%n", token.getKey(),
                    (System.nanoTime() - start) / 1000.0 / rounds, rounds);
        }
        Files.deleteIfExists(jwks);
    }
}
