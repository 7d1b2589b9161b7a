package io.sightline.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.cluster.ClusterNode;
import io.sightline.api.cluster.EdgeRelays;
import io.sightline.api.cluster.RemoteStream;
import java.time.Duration;
import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster section: absent on a single node, one series per node in a cluster, unpublished nodes only "up 0". */
class ClusterMetricsTest {
    @Test
    void aSingleNodeWritesNoClusterSection() {
        TextExposition out = new TextExposition(256);
        ClusterMetrics.write(out, null);
        assertEquals("", out.text());
    }

    @Test
    void everyNodeIsASeriesAndANodeWithoutARecordIsDown() {
        ClusterDirectory cluster = new ClusterDirectory() {
            @Override
            public String clusterName() {
                return "prod";
            }

            @Override
            public List<ClusterNode> nodes() {
                return List.of(new ClusterNode("1", "edge-1", "10.0.0.1:5701", true, true, "http://10.0.0.1:8080", 3,
                        List.of("cam"), 40, 80_000, 35.5, 800),
                        new ClusterNode("2", "edge-2", "10.0.0.2:5701", false, false, null, -1, List.of(), -1, -1, -1,
                                -1));
            }

            @Override
            public int configuredMembers() {
                return 3;
            }
        };
        EdgeRelays relays = new EdgeRelays() {
            @Override
            public Optional<RemoteStream> remote(String stream) {
                return Optional.empty();
            }

            @Override
            public boolean relay(String stream, Duration wait) {
                return false;
            }

            @Override
            public int relayCount() {
                return 2;
            }
        };
        TextExposition out = new TextExposition(256);
        ClusterMetrics.write(out, cluster, relays);
        String text = out.text();
        assertTrue(text.contains("sightline_cluster_relays{cluster=\"prod\"} 2\n"), text);
        assertTrue(text.contains("sightline_cluster_members{cluster=\"prod\"} 2\n"), text);
        assertTrue(text.contains("sightline_cluster_configured_members{cluster=\"prod\"} 3\n"), text);
        assertTrue(text.contains("sightline_cluster_node_up{node=\"edge-1\"} 1\n"), text);
        assertTrue(text.contains("sightline_cluster_node_up{node=\"edge-2\"} 0\n"), text);
        assertTrue(text.contains("sightline_cluster_node_viewers{node=\"edge-1\"} 40\n"), text);
        assertTrue(text.contains("sightline_cluster_node_egress_bits_per_second{node=\"edge-1\"} 80000000\n"), text);
        assertTrue(text.contains("sightline_cluster_node_cpu_ratio{node=\"edge-1\"} 0.355\n"), text);
        assertFalse(text.contains("sightline_cluster_node_viewers{node=\"edge-2\"}"), "no record, no figures: " + text);
    }
}
