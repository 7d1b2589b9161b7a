package io.sightline.signaling.whep.internal;

import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.AuthProvider;

/**
 * A real, tiny auth provider for tests: token {@code good-<stream>} allows READ of that stream (or of every stream
 * for {@code good-*}), names the caller {@code viewer}, and is "valid but not for this" for other streams and
 * actions; {@code pub-<stream>} also allows PUBLISH of that stream and names the caller {@code publisher};
 * {@code relay-<stream>} allows READ of that stream to {@code relay:node-c} (another node's relay); any other token is
 * unknown. The same shape as a JWT provider's answers.
 */
final class FixedTokenProvider implements AuthProvider {
    @Override
    public AccessDecision decide(AccessRequest request) {
        String token = request.bearerToken();
        if (token == null) {
            return AccessDecision.abstain();
        }
        if (token.startsWith("pub-")) {
            String covers = token.substring(4);
            if (covers.equals(request.streamName()) && request.action() != Action.ADMIN) {
                return AccessDecision.allow("publisher", "test token");
            }
            return new AccessDecision(AccessDecision.Verdict.DENY, "publisher", "token does not cover this");
        }
        if (token.startsWith("relay-") && token.substring(6).equals(request.streamName())
                && request.action() == Action.READ) {
            return AccessDecision.allow("relay:node-c", "test relay token");
        }
        if (!token.startsWith("good-")) {
            return AccessDecision.deny("unknown token");
        }
        String covers = token.substring(5);
        boolean stream = covers.equals("*") || covers.equals(request.streamName());
        if (stream && request.action() == Action.READ) {
            return AccessDecision.allow("viewer", "test token");
        }
        return new AccessDecision(AccessDecision.Verdict.DENY, "viewer", "token does not cover this");
    }
}
