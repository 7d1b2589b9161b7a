package io.sightline.api.cluster;

import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Relays of streams whose origin is another node of the cluster (decision 0045): a node asked for a stream it does
 * not define serves it from one pull of the origin, shared by all its viewers of that stream. A service only while
 * the node is a member of a cluster.
 *
 * <p>The caller checks the viewer's access against {@link RemoteStream#accessProperties()} before asking for a relay,
 * exactly as it would for a local stream: a relay is only started for a caller who would be let in.
 */
@ProviderType
public interface EdgeRelays {
    /**
     * The principal prefix of the credentials relays present to their origin ({@code relay:<node>}). Signaling never
     * redirects such a caller elsewhere: a node relays from an origin only, never from another relay.
     */
    String RELAY_PRINCIPAL_PREFIX = "relay:";

    /**
     * The stream as its origin publishes it, when this node does not define it and another live node ingests it
     * (relays of other nodes are never origins); empty otherwise.
     */
    Optional<RemoteStream> remote(String stream);

    /**
     * Makes this node relay the stream (at most one relay per stream, whatever the number of concurrent callers) and
     * waits until it is registered here, so the caller can open a viewer session on it.
     *
     * @param stream a stream for which {@link #remote(String)} answered
     * @param wait   how long to wait for the relay to be registered
     * @return whether the relay is registered (false: no origin any more, the relay could not be defined, or not
     *         within {@code wait})
     */
    boolean relay(String stream, Duration wait) throws InterruptedException;

    /** How many streams this node relays now. */
    int relayCount();
}
