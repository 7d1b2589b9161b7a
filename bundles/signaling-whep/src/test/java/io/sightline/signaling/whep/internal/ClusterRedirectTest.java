package io.sightline.signaling.whep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.cluster.ClusterNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which node a new viewer is sent to, from what the nodes published. */
class ClusterRedirectTest {
    static ClusterNode node(String name, boolean local, boolean fresh, int viewers, String... streams) {
        return new ClusterNode(name, name, name + ":5701", local, fresh, "http://" + name + ":8080", streams.length,
                List.of(streams), viewers, 0, 0, 100);
    }

    static ClusterDirectory of(ClusterNode... nodes) {
        return new ClusterDirectory() {
            @Override
            public String clusterName() {
                return "test";
            }

            @Override
            public List<ClusterNode> nodes() {
                return List.of(nodes);
            }

            @Override
            public int configuredMembers() {
                return nodes.length;
            }
        };
    }

    @Test
    void belowTheThresholdOrWithoutAClusterTheViewerStaysHere() {
        ClusterDirectory cluster = of(node("a", true, true, 5, "cam"), node("b", false, true, 0, "cam"));
        assertTrue(ClusterRedirect.target(cluster, "cam", 4, 5).isEmpty());
        assertTrue(ClusterRedirect.target(null, "cam", 100, 5).isEmpty());
        assertTrue(ClusterRedirect.target(cluster, "cam", 100, 0).isEmpty(), "0 never redirects");
    }

    @Test
    void theLeastLoadedFreshNodeThatServesTheStreamAndIsBelowTheThresholdIsChosen() {
        ClusterDirectory cluster = of(node("a", true, true, 10, "cam"), node("b", false, true, 7, "cam"),
                node("c", false, true, 3, "cam"), node("d", false, false, 0, "cam"), node("e", false, true, 0, "door"),
                node("f", false, true, 12, "cam"));
        assertEquals("c", ClusterRedirect.target(cluster, "cam", 10, 10).orElseThrow().name());
    }

    @Test
    void whenEveryOtherNodeIsAsLoadedTheViewerStaysHere() {
        ClusterDirectory cluster = of(node("a", true, true, 10, "cam"), node("b", false, true, 10, "cam"));
        assertTrue(ClusterRedirect.target(cluster, "cam", 10, 10).isEmpty());
    }
}
