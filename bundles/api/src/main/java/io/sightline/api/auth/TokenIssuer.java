package io.sightline.api.auth;

import java.time.Duration;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Mints short-lived bearer tokens, e.g. for share links: a player URL carrying a read token for one stream only.
 * Registered by the auth bundle that can also verify what it issues.
 */
@ProviderType
public interface TokenIssuer {
    /**
     * Issues a signed token.
     *
     * @param streamPattern the stream name, or a pattern with {@code *} wildcards, the token is valid for
     * @param actions       what the holder may do (usually just {@link Action#READ})
     * @param ttl           how long the token stays valid; must be positive
     * @param subject       who it is for, shown in logs (never a secret)
     * @return the compact token, to be sent as {@code Authorization: Bearer} or a {@code token} query parameter
     * @throws IllegalArgumentException when the pattern is empty, no action is given, or ttl is not positive
     */
    String issue(String streamPattern, Set<Action> actions, Duration ttl, String subject);
}
