package io.sightline.api.auth;

import java.util.Objects;

/**
 * One question to the auth providers: may this caller do this to this stream?
 *
 * @param action        what the caller wants
 * @param streamName    the stream concerned, or {@code null} for server-wide actions (listing, admin)
 * @param bearerToken   the credential the caller presented ({@code Authorization: Bearer} or a {@code token} query
 *                      parameter), or {@code null}; never log it
 * @param remoteAddress the caller's IP address
 * @param localAddress  the server address the request arrived on (to tell loopback callers apart)
 */
public record AccessRequest(Action action, String streamName, String bearerToken, String remoteAddress,
        String localAddress) {
    /** Validates the components. */
    public AccessRequest {
        Objects.requireNonNull(action, "action");
    }

    @Override
    public String toString() {
        return "AccessRequest[" + action + " " + streamName + " from " + remoteAddress
                + (bearerToken == null ? "" : " with token") + "]";
    }
}
