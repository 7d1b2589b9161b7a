package io.sightline.auth.jwt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessDecision.Verdict;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every verdict of {@link TokenVerifier}, each from a really signed (or really broken) token. */
class TokenVerifierTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.UTF_8);

    private static RSAKey rsa;
    private static ECKey ec;
    private static TokenVerifier verifier;

    @BeforeAll
    static void keys(@TempDir Path dir) throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        Path jwks = dir.resolve("keys.jwks");
        // Only public halves go into the file, as an operator would publish them.
        Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        verifier = new TokenVerifier(VerificationKeys.create(SECRET, jwks, null, 60_000, 1000), null, null,
                Duration.ofSeconds(30), CLOCK);
    }

    static JWTClaimsSet.Builder claims(List<String> streams, List<String> actions) {
        return new JWTClaimsSet.Builder().subject("alice").expirationTime(at(NOW.plusSeconds(600)))
                .claim("streams", streams).claim("actions", actions);
    }

    static Date at(Instant instant) {
        return Date.from(instant);
    }

    static String sign(JWSAlgorithm alg, JWSSigner signer, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String hs256(JWTClaimsSet claims) throws Exception {
        return sign(JWSAlgorithm.HS256, new MACSigner(SECRET), null, claims);
    }

    static String readCam1() throws Exception {
        return hs256(claims(List.of("cam1"), List.of("read")).build());
    }

    static AccessDecision decide(Action action, String stream, String token) {
        return verifier.decide(new AccessRequest(action, stream, token, "192.0.2.1", "127.0.0.1"));
    }

    static void assertDenied(AccessDecision decision, String reasonPart) {
        assertEquals(Verdict.DENY, decision.verdict(), decision.reason());
        assertTrue(decision.reason().contains(reasonPart), "reason was: " + decision.reason());
    }

    @Test
    void noTokenAbstains() {
        assertEquals(Verdict.ABSTAIN, decide(Action.READ, "cam1", null).verdict());
        assertEquals(Verdict.ABSTAIN, decide(Action.READ, "cam1", "  ").verdict());
    }

    @Test
    void validHs256AllowsWithSubjectAsPrincipal() throws Exception {
        AccessDecision d = decide(Action.READ, "cam1", readCam1());
        assertEquals(Verdict.ALLOW, d.verdict(), d.reason());
        assertEquals("alice", d.principal());
    }

    @Test
    void validRs256FromJwksFileAllows() throws Exception {
        String token = sign(JWSAlgorithm.RS256, new RSASSASigner(rsa), "rsa-1",
                claims(List.of("cam1"), List.of("publish")).build());
        assertEquals(Verdict.ALLOW, decide(Action.PUBLISH, "cam1", token).verdict());
    }

    @Test
    void validEs256FromJwksFileAllows() throws Exception {
        String token = sign(JWSAlgorithm.ES256, new ECDSASigner(ec), "ec-1",
                claims(List.of("cam1"), List.of("read")).build());
        assertEquals(Verdict.ALLOW, decide(Action.READ, "cam1", token).verdict());
    }

    @Test
    void rs256WithoutKidFindsTheKeyByType() throws Exception {
        String token = sign(JWSAlgorithm.RS256, new RSASSASigner(rsa), null,
                claims(List.of("cam1"), List.of("read")).build());
        assertEquals(Verdict.ALLOW, decide(Action.READ, "cam1", token).verdict());
    }

    @Test
    void expiredTokenIsDenied() throws Exception {
        String token = hs256(claims(List.of("cam1"), List.of("read")).expirationTime(at(NOW.minusSeconds(31))).build());
        assertDenied(decide(Action.READ, "cam1", token), "expired");
    }

    @Test
    void expiryWithinClockSkewIsTolerated() throws Exception {
        String token = hs256(claims(List.of("cam1"), List.of("read")).expirationTime(at(NOW.minusSeconds(20))).build());
        assertEquals(Verdict.ALLOW, decide(Action.READ, "cam1", token).verdict());
    }

    @Test
    void notYetValidTokenIsDenied() throws Exception {
        String token = hs256(claims(List.of("cam1"), List.of("read")).notBeforeTime(at(NOW.plusSeconds(120))).build());
        assertDenied(decide(Action.READ, "cam1", token), "not valid before");
    }

    @Test
    void tokenWithoutExpIsDenied() throws Exception {
        String token = hs256(claims(List.of("cam1"), List.of("read")).expirationTime(null).build());
        assertDenied(decide(Action.READ, "cam1", token), "no exp");
    }

    @Test
    void otherHmacAlgorithmIsDenied() throws Exception {
        String token = sign(JWSAlgorithm.HS512, new MACSigner(new byte[64]), null,
                claims(List.of("cam1"), List.of("read")).build());
        assertDenied(decide(Action.READ, "cam1", token), "algorithm HS512 not accepted");
    }

    @Test
    void rs384IsDeniedEvenWithAKnownKey() throws Exception {
        String token = sign(JWSAlgorithm.RS384, new RSASSASigner(rsa), "rsa-1",
                claims(List.of("cam1"), List.of("read")).build());
        assertDenied(decide(Action.READ, "cam1", token), "algorithm RS384 not accepted");
    }

    @Test
    void unsignedTokenIsDenied() {
        String token = new PlainJWT(claims(List.of("cam1"), List.of("read")).build()).serialize();
        assertDenied(decide(Action.READ, "cam1", token), "not signed");
    }

    @Test
    void publicKeyUsedAsHmacSecretIsDenied() throws Exception {
        // Algorithm confusion: an attacker signs HS256 with the published RSA key's bytes.
        byte[] publicKeyBytes = rsa.toRSAPublicKey().getEncoded();
        String token = sign(JWSAlgorithm.HS256, new MACSigner(publicKeyBytes), "rsa-1",
                claims(List.of("*"), List.of("admin")).build());
        assertDenied(decide(Action.ADMIN, null, token), "bad HS256 signature");
    }

    @Test
    void tamperedSignatureIsDenied() throws Exception {
        String token = readCam1();
        char last = token.charAt(token.length() - 2);
        String tampered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A')
                + token.charAt(token.length() - 1);
        assertDenied(decide(Action.READ, "cam1", tampered), "bad HS256 signature");
    }

    @Test
    void tamperedClaimsAreDenied() throws Exception {
        String[] parts = readCam1().split("\\.");
        String widened = Base64URL.encode(claims(List.of("*"), List.of("read", "admin")).build().toString())
                .toString();
        assertDenied(decide(Action.ADMIN, null, parts[0] + "." + widened + "." + parts[2]), "bad HS256 signature");
    }

    @Test
    void tokenSignedByAnotherRsaKeyWithTheSameKidIsDenied() throws Exception {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        String token = sign(JWSAlgorithm.RS256, new RSASSASigner(impostor), "rsa-1",
                claims(List.of("cam1"), List.of("read")).build());
        assertDenied(decide(Action.READ, "cam1", token), "bad RS256 signature");
    }

    @Test
    void unknownKidIsDenied() throws Exception {
        String token = sign(JWSAlgorithm.ES256, new ECDSASigner(ec), "ec-unknown",
                claims(List.of("cam1"), List.of("read")).build());
        assertDenied(decide(Action.READ, "cam1", token), "no ES256 key with kid ec-unknown");
    }

    @Test
    void wrongStreamIsDeniedNamingTheKnownCaller() throws Exception {
        AccessDecision d = decide(Action.READ, "cam2", readCam1());
        assertDenied(d, "not valid for stream cam2");
        assertEquals("alice", d.principal(), "a good token for another stream: 403, not 401");
    }

    @Test
    void wrongActionIsDeniedNamingTheKnownCaller() throws Exception {
        assertDenied(decide(Action.PUBLISH, "cam1", readCam1()), "does not allow publish");
        AccessDecision d = decide(Action.ADMIN, "cam1", readCam1());
        assertDenied(d, "does not allow admin");
        assertEquals("alice", d.principal());
    }

    @Test
    void invalidTokensAreDeniedWithoutAPrincipal() throws Exception {
        String expired = hs256(claims(List.of("cam1"), List.of("read")).expirationTime(at(NOW.minusSeconds(60)))
                .build());
        assertEquals("anonymous", decide(Action.READ, "cam1", expired).principal());
        assertEquals("anonymous", decide(Action.READ, "cam1", "a.b.c").principal());
    }

    @Test
    void malformedTokensAreDenied() {
        assertDenied(decide(Action.READ, "cam1", "not-a-jwt"), "malformed token");
        assertDenied(decide(Action.READ, "cam1", "a.b.c"), "malformed token");
        assertDenied(decide(Action.READ, "cam1", "x".repeat(10_000)), "too large");
    }

    @Test
    void claimsOfTheWrongShapeAreDenied() throws Exception {
        String token = hs256(new JWTClaimsSet.Builder().expirationTime(at(NOW.plusSeconds(60)))
                .claim("streams", "cam1").claim("actions", List.of("read")).build());
        assertDenied(decide(Action.READ, "cam1", token), "malformed claims");
        String noStreams = hs256(new JWTClaimsSet.Builder().expirationTime(at(NOW.plusSeconds(60)))
                .claim("actions", List.of("read")).build());
        assertDenied(decide(Action.READ, "cam1", noStreams), "no streams claim");
        String noActions = hs256(new JWTClaimsSet.Builder().expirationTime(at(NOW.plusSeconds(60)))
                .claim("streams", List.of("cam1")).build());
        assertDenied(decide(Action.READ, "cam1", noActions), "no actions claim");
    }

    @Test
    void wildcardPatternsMatchStreamNames() throws Exception {
        String token = hs256(claims(List.of("lobby", "cam-*"), List.of("read")).build());
        assertEquals(Verdict.ALLOW, decide(Action.READ, "cam-1", token).verdict());
        assertEquals(Verdict.ALLOW, decide(Action.READ, "cam-", token).verdict());
        assertEquals(Verdict.ALLOW, decide(Action.READ, "lobby", token).verdict());
        assertDenied(decide(Action.READ, "lobby2", token), "not valid for stream lobby2");
        assertDenied(decide(Action.READ, "xcam-1", token), "not valid for stream xcam-1");
    }

    @Test
    void serverWideActionNeedsTheStarPattern() throws Exception {
        String all = hs256(claims(List.of("*"), List.of("admin")).build());
        assertEquals(Verdict.ALLOW, decide(Action.ADMIN, null, all).verdict());
        assertEquals(Verdict.ALLOW, decide(Action.ADMIN, "anything", all).verdict());
        String some = hs256(claims(List.of("cam-*"), List.of("admin")).build());
        assertDenied(decide(Action.ADMIN, null, some), "not valid for all streams");
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured(@TempDir Path dir) throws Exception {
        TokenVerifier strict = new TokenVerifier(VerificationKeys.create(SECRET, null, null, 60_000, 1000),
                "https://idp.example", "sightline", Duration.ZERO, CLOCK);
        String good = hs256(claims(List.of("cam1"), List.of("read")).issuer("https://idp.example")
                .audience(List.of("other", "sightline")).build());
        AccessRequest request = new AccessRequest(Action.READ, "cam1", good, "192.0.2.1", "127.0.0.1");
        assertEquals(Verdict.ALLOW, strict.decide(request).verdict());
        String wrongIssuer = hs256(claims(List.of("cam1"), List.of("read")).issuer("https://evil.example")
                .audience("sightline").build());
        assertEquals(Verdict.DENY, strict.decide(new AccessRequest(Action.READ, "cam1", wrongIssuer, null, null))
                .verdict());
        String wrongAudience = hs256(claims(List.of("cam1"), List.of("read")).issuer("https://idp.example")
                .audience("other").build());
        AccessDecision d = strict.decide(new AccessRequest(Action.READ, "cam1", wrongAudience, null, null));
        assertEquals(Verdict.DENY, d.verdict());
        assertTrue(d.reason().contains("audience"), d.reason());
    }

    @Test
    void reasonsNeverRepeatTheToken() throws Exception {
        String token = readCam1();
        String signature = token.substring(token.lastIndexOf('.') + 1);
        for (Action action : Action.values()) {
            AccessDecision d = decide(action, "cam9", token);
            assertFalse(d.reason().contains(signature), d.reason());
            assertFalse(d.toString().contains(token));
        }
    }

    @Test
    void mintedTokensVerifyForTheirStreamAndActionsOnly() throws Exception {
        TokenMinter minter = new TokenMinter(SECRET, null, null, CLOCK);
        String token = minter.mint("cam1", Set.of(Action.READ), Duration.ofMinutes(10), "share");
        AccessDecision allowed = decide(Action.READ, "cam1", token);
        assertEquals(Verdict.ALLOW, allowed.verdict(), allowed.reason());
        assertEquals("share", allowed.principal());
        assertDenied(decide(Action.READ, "cam2", token), "not valid for stream");
        assertDenied(decide(Action.PUBLISH, "cam1", token), "does not allow publish");
        TokenMinter earlier = new TokenMinter(SECRET, null, null, Clock.fixed(NOW.minusSeconds(3600), ZoneOffset.UTC));
        assertDenied(decide(Action.READ, "cam1", earlier.mint("cam1", Set.of(Action.READ), Duration.ofMinutes(10),
                null)), "expired");
    }

    @Test
    void minterRefusesBadArguments() throws Exception {
        TokenMinter minter = new TokenMinter(SECRET, null, null, CLOCK);
        assertThrows(IllegalArgumentException.class, () -> minter.mint(" ", Set.of(Action.READ), Duration.ofMinutes(1),
                null));
        assertThrows(IllegalArgumentException.class, () -> minter.mint("cam1", Set.of(), Duration.ofMinutes(1), null));
        assertThrows(IllegalArgumentException.class, () -> minter.mint("cam1", Set.of(Action.READ), Duration.ZERO,
                null));
    }
}
