package io.sightline.auth.jwt.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessDecision.Verdict;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides one access request from the bearer token it carries: parse, verify the signature, then check time, issuer,
 * audience, stream and action. No token means no opinion; any failure is a DENY whose reason says precisely what was
 * wrong without ever repeating the token. A DENY carries the token's subject as principal only when the token itself
 * is good and merely does not cover the stream or action (decision 0014: 403 rather than 401).
 */
final class TokenVerifier {
    /** Claim listing the stream-name patterns the token is good for. */
    static final String STREAMS_CLAIM = "streams";
    /** Claim listing the actions ({@code read}, {@code publish}, {@code admin}) the token allows. */
    static final String ACTIONS_CLAIM = "actions";

    /** Larger tokens are refused before parsing; real ones are a few hundred bytes. */
    private static final int MAX_TOKEN_CHARS = 8192;
    private static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256,
            JWSAlgorithm.ES256);

    private final VerificationKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration skew;
    private final Clock clock;

    /**
     * @param issuer   required {@code iss}, or null for any
     * @param audience required member of {@code aud}, or null for any
     */
    TokenVerifier(VerificationKeys keys, String issuer, String audience, Duration skew, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.skew = skew;
        this.clock = clock;
    }

    AccessDecision decide(AccessRequest request) {
        String token = request.bearerToken();
        if (token == null || token.isBlank()) {
            return AccessDecision.abstain();
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return AccessDecision.deny("token too large");
        }
        SignedJWT jwt;
        try {
            JWT parsed = JWTParser.parse(token.strip());
            if (!(parsed instanceof SignedJWT signed)) {
                return AccessDecision.deny("token is not signed (alg none or encrypted)");
            }
            jwt = signed;
        } catch (ParseException e) {
            return AccessDecision.deny("malformed token");
        }
        String signatureProblem = checkSignature(jwt);
        if (signatureProblem != null) {
            return AccessDecision.deny(signatureProblem);
        }
        try {
            return checkClaims(jwt.getJWTClaimsSet(), request);
        } catch (ParseException e) {
            return AccessDecision.deny("malformed claims: " + e.getMessage());
        }
    }

    /** Returns why the signature is not acceptable, or null when it verifies. */
    private String checkSignature(SignedJWT jwt) {
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!ACCEPTED.contains(alg)) {
            return "algorithm " + alg + " not accepted (HS256, RS256, ES256 are)";
        }
        List<JWSVerifier> candidates;
        try {
            candidates = keys.verifiersFor(header);
        } catch (KeySourceException e) {
            return "verification keys unavailable: " + e.getMessage();
        } catch (JOSEException e) {
            return "unusable verification key: " + e.getMessage();
        }
        if (candidates.isEmpty()) {
            return "no " + alg + " key" + (header.getKeyID() == null ? "" : " with kid " + header.getKeyID());
        }
        for (JWSVerifier verifier : candidates) {
            try {
                if (verifier.verify(header, jwt.getSigningInput(), jwt.getSignature())) {
                    return null;
                }
            } catch (JOSEException e) {
                // A key of the wrong size or curve for this header: try the next one.
            }
        }
        return "bad " + alg + " signature";
    }

    private AccessDecision checkClaims(JWTClaimsSet claims, AccessRequest request) throws ParseException {
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null) {
            return AccessDecision.deny("token has no exp claim");
        }
        Instant exp = claims.getExpirationTime().toInstant();
        if (now.isAfter(exp.plus(skew))) {
            return AccessDecision.deny("token expired at " + exp);
        }
        if (claims.getNotBeforeTime() != null && now.isBefore(claims.getNotBeforeTime().toInstant().minus(skew))) {
            return AccessDecision.deny("token not valid before " + claims.getNotBeforeTime().toInstant());
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            return AccessDecision.deny("token issuer is not " + issuer);
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            return AccessDecision.deny("token audience does not include " + audience);
        }
        List<String> streams = claims.getStringListClaim(STREAMS_CLAIM);
        List<String> actions = claims.getStringListClaim(ACTIONS_CLAIM);
        if (streams == null || streams.isEmpty()) {
            return AccessDecision.deny("token has no streams claim");
        }
        if (actions == null || actions.isEmpty()) {
            return AccessDecision.deny("token has no actions claim");
        }
        // From here the caller is known: a refusal names them, so signaling answers 403 rather than 401 (0014).
        String subject = claims.getSubject() == null || claims.getSubject().isBlank() ? "token" : claims.getSubject();
        String wanted = request.action().name().toLowerCase(Locale.ROOT);
        if (!actions.contains(wanted)) {
            return new AccessDecision(Verdict.DENY, subject, "token does not allow " + wanted);
        }
        String stream = request.streamName();
        if (stream == null ? !StreamPatterns.coversAll(streams) : !StreamPatterns.anyMatches(streams, stream)) {
            return new AccessDecision(Verdict.DENY, subject,
                    "token not valid for " + (stream == null ? "all streams" : "stream " + stream));
        }
        return AccessDecision.allow(subject, "token allows " + wanted + (stream == null ? "" : " on " + stream));
    }

    /** The claim value for an action. */
    static String claimValue(Action action) {
        return action.name().toLowerCase(Locale.ROOT);
    }
}
