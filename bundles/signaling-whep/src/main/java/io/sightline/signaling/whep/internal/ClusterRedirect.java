package io.sightline.signaling.whep.internal;

import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.cluster.ClusterNode;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where a new viewer goes when this node is loaded: the other node with the fewest viewers among those that are
 * fresh in the directory, can serve the stream and are below the same threshold. The figures are what each node
 * last published (one publish interval old at most), so a burst of viewers may overshoot a target a little.
 */
final class ClusterRedirect {
    private ClusterRedirect() {
    }

    /**
     * @param cluster      the directory; null on a single node
     * @param stream       the stream asked for
     * @param localViewers viewer sessions on this node now
     * @param threshold    viewers from which to redirect; 0 never
     */
    static Optional<ClusterNode> target(ClusterDirectory cluster, String stream, int localViewers, int threshold) {
        if (cluster == null || threshold <= 0 || localViewers < threshold) {
            return Optional.empty();
        }
        return cluster.nodes().stream()
                .filter(n -> !n.local() && n.fresh() && n.httpUrl() != null && n.servable().contains(stream)
                        && n.viewers() < threshold)
                .min(Comparator.comparingInt(ClusterNode::viewers));
    }
}
