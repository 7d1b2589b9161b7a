package io.sightline.api.cluster;

import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * WHIP-published streams that move to the node their publisher reaches (decision 0050): a publisher whose node
 * failed, or that a load balancer sends elsewhere, publishes to any node, which becomes the stream's origin; relays
 * on other nodes follow it there. A service only while the node is a member of a cluster.
 *
 * <p>The caller checks the publisher's access against {@link Publication#accessProperties()} (action
 * {@code publish}) before it asks to {@link #claim} the stream, exactly as for a local stream.
 */
@ProviderType
public interface Publications {
    /** What {@link #claim} did. */
    enum Claim {
        /** This node is the stream's origin now and runs it: publish to it. */
        TAKEN,
        /** Its origin is up with a live publisher and the stream does not allow a takeover: 409. */
        PUBLISHED_ELSEWHERE,
        /** Another node claimed it at the same moment; it is theirs. */
        LOST,
        /** The stream is this node's, but the core did not start it within the wait: retry. */
        STARTING,
        /** The cluster does not know it (any more). */
        UNKNOWN
    }

    /**
     * The stream, when the cluster knows it as published on another node and this node does not define it itself
     * (a relay of it here does not count); empty otherwise.
     */
    Optional<Publication> elsewhere(String stream);

    /**
     * Makes this node the stream's origin, under the stream's takeover policy, and waits until it runs here. At most
     * one node wins: the move is a compare-and-set on the origin table, and the former origin, when alive, removes
     * its copy (and its publisher session) within one publish interval.
     *
     * @param stream a stream for which {@link #elsewhere(String)} answered
     * @param wait   how long to wait for the core to run it here
     */
    Claim claim(String stream, Duration wait) throws InterruptedException;
}
