package io.sightline.signaling.whep.internal;

import io.sightline.endpoint.support.AddressRanges;

import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.AuthProvider;
import io.sightline.api.stream.Stream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Combines a stream's access policy with the registered auth providers, without letting unauthenticated callers
 * enumerate streams (docs/decisions/0014-access-gate.md):
 * <ul>
 * <li>any DENY refuses: 403 when the provider named the caller (a valid credential that does not cover this stream
 * or action), 401 otherwise (no, malformed, expired or forged credential);</li>
 * <li>an ALLOW admits; the stream may then still be unknown (404) or disabled (403);</li>
 * <li>without an ALLOW only a {@code public} stream admits, only to watch ({@code read}; publishing always needs a
 * credential), and only callers whose address is in its {@code access.public.from} list (everyone when the list is
 * empty);</li>
 * <li>everything else is 401, whether the stream exists or not.</li>
 * </ul>
 */
final class AccessGate {
    /** Per-stream setting: addresses and CIDR blocks allowed anonymous access to a public stream. */
    static final String PUBLIC_FROM = "access.public.from";

    /** Outcome of a check, with the HTTP status it maps to. */
    enum Outcome {
        /** Go ahead. */
        ALLOWED(200),
        /** Admitted, but the stream does not exist (only said to callers whose credential covers the name). */
        UNKNOWN_STREAM(404),
        /** No valid credential: unknown and forbidden streams look the same. */
        UNAUTHENTICATED(401),
        /** A valid credential that does not cover this stream or action, or a disabled stream. */
        FORBIDDEN(403);

        final int status;

        Outcome(int status) {
            this.status = status;
        }
    }

    /** The outcome with who the caller is and why, for the log (never a credential). */
    record Verdict(Outcome outcome, String principal, String reason) {
        /** Whether the caller was identified by a credential rather than admitted anonymously. */
        boolean authenticated() {
            return !ANONYMOUS.equals(principal);
        }
    }

    static final String ANONYMOUS = "anonymous";

    private AccessGate() {
    }

    static Verdict check(AccessRequest request, Optional<Stream> stream, List<AuthProvider> providers) {
        return checkSettings(request, stream.<Map<String, ?>>map(Stream::properties), providers);
    }

    /**
     * As {@link #check(AccessRequest, Optional, List)} on a stream's settings alone: those of a stream another node
     * ingests, which this node would relay (decision 0045), are judged exactly as a local stream's.
     */
    static Verdict checkSettings(AccessRequest request, Optional<? extends Map<String, ?>> stream,
            List<AuthProvider> providers) {
        AccessDecision allow = null;
        for (AuthProvider provider : providers) {
            AccessDecision d = provider.decide(request);
            if (d.verdict() == AccessDecision.Verdict.DENY) {
                Outcome outcome = ANONYMOUS.equals(d.principal()) ? Outcome.UNAUTHENTICATED : Outcome.FORBIDDEN;
                return new Verdict(outcome, d.principal(), d.reason());
            }
            if (d.allowed() && allow == null) {
                allow = d;
            }
        }
        String access = stream.map(AccessGate::policy).orElse("token");
        if (allow != null) {
            if (stream.isEmpty()) {
                return new Verdict(Outcome.UNKNOWN_STREAM, allow.principal(), "no such stream");
            }
            if ("disabled".equals(access)) {
                return new Verdict(Outcome.FORBIDDEN, allow.principal(), "stream access is disabled");
            }
            return new Verdict(Outcome.ALLOWED, allow.principal(), allow.reason());
        }
        // Public means anyone may watch; sending media into a stream always takes a credential.
        if (request.action() == Action.READ && "public".equals(access)
                && publicFrom(stream.get()).contains(request.remoteAddress())) {
            return new Verdict(Outcome.ALLOWED, ANONYMOUS, "public stream");
        }
        String why = stream.isEmpty() ? "no such stream" : request.action() != Action.READ ? request.action()
                .name().toLowerCase() + " needs a credential" : "public".equals(access) ? "address not in "
                + PUBLIC_FROM : "stream access is " + access;
        return new Verdict(Outcome.UNAUTHENTICATED, ANONYMOUS, request.bearerToken() == null ? "no credential; " + why
                : "credential not accepted; " + why);
    }

    private static String policy(Map<String, ?> properties) {
        Object access = properties.get(Stream.ACCESS);
        return access == null ? "token" : access.toString().trim();
    }

    /** The stream's anonymous-access list; a malformed list admits nobody (fail closed). */
    static AddressRanges publicFrom(Stream s) {
        return publicFrom(s.properties());
    }

    private static AddressRanges publicFrom(Map<String, ?> properties) {
        try {
            return AddressRanges.parse(properties.get(PUBLIC_FROM));
        } catch (IllegalArgumentException e) {
            return AddressRanges.NONE;
        }
    }
}
