package io.sightline.api.transport;

import io.sightline.api.stream.Stream;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Delivers a stream to one viewer over WebRTC. Register implementations as OSGi services with the service property
 * {@value #TRANSPORT_MODE} ({@code sfu}: packetize once, fan out; {@code p2p}: one libwebrtc peer per viewer).
 * The signaling bundle authorizes the request first, then picks the strategy the stream's {@code transport.mode}
 * names.
 */
@ConsumerType
public interface TransportStrategy {
    /** The service property naming the mode. */
    String TRANSPORT_MODE = "transport.mode";

    /**
     * Answers a viewer's SDP offer and starts its session. The answer contains all of the server's candidates
     * (no server-side trickle).
     *
     * @throws TransportException with the reason the offer cannot be served; nothing stays allocated
     */
    ViewerSession open(Stream stream, SessionRequest request) throws TransportException;
}
