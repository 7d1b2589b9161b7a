package io.sightline.api.auth;

import java.util.Objects;

/**
 * An auth provider's answer.
 *
 * @param verdict   allow, deny, or abstain (this provider has no opinion)
 * @param principal who the caller is, when known (for logs and session listings; never a secret)
 * @param reason    why, for the log (never a secret)
 */
public record AccessDecision(Verdict verdict, String principal, String reason) {
    /** The three possible answers. */
    public enum Verdict {
        ALLOW, DENY, ABSTAIN
    }

    /** Validates the components. */
    public AccessDecision {
        Objects.requireNonNull(verdict, "verdict");
        principal = principal == null ? "anonymous" : principal;
        reason = reason == null ? "" : reason;
    }

    /** Allows the request. */
    public static AccessDecision allow(String principal, String reason) {
        return new AccessDecision(Verdict.ALLOW, principal, reason);
    }

    /** Denies the request. */
    public static AccessDecision deny(String reason) {
        return new AccessDecision(Verdict.DENY, null, reason);
    }

    /** Has no opinion. */
    public static AccessDecision abstain() {
        return new AccessDecision(Verdict.ABSTAIN, null, "");
    }

    /** Whether the verdict is ALLOW. */
    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }
}
