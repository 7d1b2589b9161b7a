package io.sightline.api.transport;

import java.util.Objects;

/**
 * A viewer's request for a session, as signaling received it.
 *
 * @param offerSdp      the viewer's SDP offer
 * @param remoteAddress the viewer's IP address as seen by the HTTP server
 * @param principal     who the auth provider said the caller is ({@code anonymous} for public streams)
 */
public record SessionRequest(String offerSdp, String remoteAddress, String principal) {
    /** Validates the components. */
    public SessionRequest {
        Objects.requireNonNull(offerSdp, "offerSdp");
    }
}
