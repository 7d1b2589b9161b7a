package io.sightline.signaling.whep.internal;

import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.AuthProvider;
import io.sightline.api.stream.Stream;
import java.util.List;
import java.util.Optional;

/**
 * Combines a stream's access policy with the registered auth providers. A DENY from any provider refuses; otherwise
 * a public stream or at least one ALLOW admits the caller. Callers that are not admitted learn nothing about whether
 * the stream exists: unknown and forbidden streams get the same answer.
 */
final class AccessGate {
    /** Outcome of a check. */
    enum Outcome {
        /** Go ahead. */
        ALLOWED,
        /** Admitted, but the stream does not exist (only said to callers allowed to know). */
        UNKNOWN_STREAM,
        /** Not admitted (no or bad credential, or not allowed for this stream). */
        REFUSED
    }

    /** The outcome with who the caller is and why, for the log. */
    record Verdict(Outcome outcome, String principal, String reason) {
    }

    private AccessGate() {
    }

    static Verdict check(AccessRequest request, Optional<Stream> stream, List<AuthProvider> providers) {
        String access = stream.map(s -> String.valueOf(s.properties().getOrDefault(Stream.ACCESS, "token")))
                .orElse("token");
        if ("disabled".equals(access)) {
            return new Verdict(Outcome.REFUSED, "anonymous", "stream access is disabled");
        }
        AccessDecision allow = null;
        for (AuthProvider provider : providers) {
            AccessDecision d = provider.decide(request);
            if (d.verdict() == AccessDecision.Verdict.DENY) {
                return new Verdict(Outcome.REFUSED, d.principal(), d.reason());
            }
            if (d.allowed() && allow == null) {
                allow = d;
            }
        }
        if (allow == null && !"public".equals(access)) {
            // With no auth plugin installed there are no credentials to check: say plainly that the stream is unknown.
            if (stream.isEmpty() && providers.isEmpty()) {
                return new Verdict(Outcome.UNKNOWN_STREAM, "anonymous", "no such stream");
            }
            return new Verdict(Outcome.REFUSED, "anonymous", stream.isEmpty() ? "no such stream"
                    : "stream requires a token");
        }
        String principal = allow == null ? "anonymous" : allow.principal();
        if (stream.isEmpty()) {
            return new Verdict(Outcome.UNKNOWN_STREAM, principal, "no such stream");
        }
        return new Verdict(Outcome.ALLOWED, principal, allow == null ? "public stream" : allow.reason());
    }
}
