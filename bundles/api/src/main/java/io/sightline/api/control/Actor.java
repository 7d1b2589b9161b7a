package io.sightline.api.control;

import java.util.Objects;

/**
 * Who asks for a change, for the audit trail.
 *
 * @param user    the authenticated user name (shell or realm user)
 * @param surface where the request came from: {@code shell}, {@code api} (REST, including the admin console)
 * @param address the caller's address, or {@code local} for the server's own console
 */
public record Actor(String user, String surface, String address) {
    /** Validates the components. */
    public Actor {
        user = user == null || user.isBlank() ? "unknown" : user;
        Objects.requireNonNull(surface, "surface");
        address = address == null || address.isBlank() ? "local" : address;
    }
}
