package io.sightline.auth.jwt.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sightline.api.auth.Action;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Signs HS256 tokens in the shape {@link TokenVerifier} accepts. */
final class TokenMinter {
    private final JWSSigner signer;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    TokenMinter(byte[] secret, String issuer, String audience, Clock clock) throws JOSEException {
        this.signer = new MACSigner(secret);
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    String mint(String streamPattern, Set<Action> actions, Duration ttl, String subject) {
        if (streamPattern == null || streamPattern.isBlank()) {
            throw new IllegalArgumentException("stream pattern is empty");
        }
        if (actions == null || actions.isEmpty()) {
            throw new IllegalArgumentException("no action given");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject == null || subject.isBlank() ? "share-link" : subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim(TokenVerifier.STREAMS_CLAIM, List.of(streamPattern))
                .claim(TokenVerifier.ACTIONS_CLAIM, actions.stream().sorted().map(TokenVerifier::claimValue).toList());
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
