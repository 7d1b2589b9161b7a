package io.sightline.metrics.internal;

import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.cluster.ClusterNode;
import io.sightline.api.cluster.EdgeRelays;
import io.sightline.metrics.internal.TextExposition.Type;
import java.util.List;

/**
 * The cluster section ({@code sightline_cluster_*}), written only while this node is a member of a cluster. One
 * series per node, labelled by node name: a cluster has a handful of nodes, so the cardinality stays small.
 */
final class ClusterMetrics {
    private ClusterMetrics() {
    }

    static void write(TextExposition out, ClusterDirectory cluster) {
        write(out, cluster, null);
    }

    /** With this node's relays of streams ingested elsewhere (decision 0045), when the cluster registers them. */
    static void write(TextExposition out, ClusterDirectory cluster, EdgeRelays relays) {
        if (cluster == null) {
            return;
        }
        if (relays != null) {
            out.family("sightline_cluster_relays", Type.GAUGE,
                    "Streams this node relays from their origin node for its own viewers.");
            out.sample(relays.relayCount(), "cluster", cluster.clusterName());
        }
        List<ClusterNode> nodes = cluster.nodes();
        out.family("sightline_cluster_members", Type.GAUGE, "Members of this node's cluster as it sees them.");
        out.sample(nodes.size(), "cluster", cluster.clusterName());
        out.family("sightline_cluster_configured_members", Type.GAUGE, "Members the cluster configuration lists.");
        out.sample(cluster.configuredMembers(), "cluster", cluster.clusterName());
        out.family("sightline_cluster_node_up", Type.GAUGE,
                "1 while a node's published record is fresh, 0 when it is missing or stale.");
        nodes.forEach(n -> out.sample(n.fresh() ? 1 : 0, "node", n.name()));
        List<ClusterNode> published = nodes.stream().filter(n -> n.ageMillis() >= 0).toList();
        out.family("sightline_cluster_node_viewers", Type.GAUGE, "Viewer sessions on each node, as it published them.");
        published.forEach(n -> out.sample(n.viewers(), "node", n.name()));
        out.family("sightline_cluster_node_streams", Type.GAUGE, "Streams defined on each node.");
        published.forEach(n -> out.sample(n.streams(), "node", n.name()));
        out.family("sightline_cluster_node_egress_bits_per_second", Type.GAUGE,
                "What each node sent to its viewers over its last publish interval.");
        published.forEach(n -> out.sample(n.egressKbps() * 1000, "node", n.name()));
        out.family("sightline_cluster_node_cpu_ratio", Type.GAUGE,
                "Each node's process CPU over its last publish interval, in cores (1 = one core busy).");
        published.stream().filter(n -> n.cpuPercent() >= 0).forEach(n -> out.sample(n.cpuPercent() / 100, "node",
                n.name()));
    }
}
