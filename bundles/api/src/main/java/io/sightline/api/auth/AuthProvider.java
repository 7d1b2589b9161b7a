package io.sightline.api.auth;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides whether a caller may read, publish or administer a stream. Signaling asks every registered provider before
 * allocating anything: any DENY refuses, otherwise at least one ALLOW is needed. With no provider registered only
 * streams whose {@code access} policy is {@code public} are readable.
 *
 * <p>Implementations must be fast (they run on every signaling request) and must never log credentials.
 */
@ConsumerType
public interface AuthProvider {
    /** Decides one request. */
    AccessDecision decide(AccessRequest request);
}
