package io.sightline.api.transport;

import io.sightline.api.stream.Stream;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes media from one WebRTC publisher (WHIP, RFC 9725) into a stream whose source waits for publishers
 * ({@code source.type = whip}). Registered by a transport that terminates ICE, DTLS and SRTP; the signaling bundle
 * authorizes the request (action {@code publish}) first and then calls it.
 *
 * @since 1.1
 */
@ConsumerType
public interface PublishTransport {
    /**
     * Answers a publisher's SDP offer and starts its session. The answer contains all of the server's candidates
     * (no server-side trickle).
     *
     * @throws TransportException with the reason the offer cannot be taken; nothing stays allocated
     */
    PublisherSession publish(Stream stream, SessionRequest request) throws TransportException;
}
