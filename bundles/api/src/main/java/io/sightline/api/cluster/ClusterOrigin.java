package io.sightline.api.cluster;

import java.util.List;

/**
 * A pull source (a camera) and the node that reads it for the cluster: the stream's origin. When that node fails, one
 * survivor takes the stream over and becomes its origin.
 *
 * @param stream       the stream's name
 * @param node         the name of the node that reads the source now
 * @param rehomedFrom  the nodes it was taken over from, oldest first; empty while it stays where it was defined
 */
public record ClusterOrigin(String stream, String node, List<String> rehomedFrom) {
    /** Freezes the list. */
    public ClusterOrigin {
        rehomedFrom = rehomedFrom == null ? List.of() : List.copyOf(rehomedFrom);
    }
}
