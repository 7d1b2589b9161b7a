package io.sightline.cluster.internal;

import static io.sightline.cluster.internal.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real embedded Hazelcast members on loopback: join from a member list, publish, see each other, lose one. */
class NodeDirectoryTest {
    private final LoopbackCluster cluster = new LoopbackCluster("test");

    @AfterEach
    void leave() {
        cluster.leave();
    }

    @Test
    void nodesJoinFromTheMemberListAndSeeEachOthersRecords() throws Exception {
        int[] ports = LoopbackCluster.ports(2);
        NodeDirectory a = join("a", ports[0], ports);
        NodeDirectory b = join("b", ports[1], ports);
        await(() -> a.memberCount() == 2 && b.memberCount() == 2, "both members in both views");

        a.publish(record("a", 3));
        b.publish(record("b", 5));
        await(() -> a.nodes().stream().allMatch(n -> n.record() != null), "both records seen from a");

        List<NodeView> fromA = a.nodes();
        assertEquals(2, fromA.size());
        assertTrue(fromA.get(0).local(), "this node first");
        assertEquals("a", fromA.get(0).name());
        assertEquals("b", fromA.get(1).name());
        assertEquals(5, fromA.get(1).record().viewers());
        assertEquals("http://127.0.0.1:9999/b", fromA.get(1).record().httpUrl());
        assertEquals(List.of(new NodeRecord.StreamEntry("cam", "live", 5)), fromA.get(1).record().streams());
    }

    @Test
    void aNodeThatDiesLeavesTheViewAndTheDirectory() throws Exception {
        int[] ports = LoopbackCluster.ports(3);
        NodeDirectory a = join("a", ports[0], ports);
        NodeDirectory b = join("b", ports[1], ports);
        NodeDirectory c = join("c", ports[2], ports);
        await(() -> a.memberCount() == 3, "three members");
        c.publish(record("c", 1));
        await(() -> a.nodes().stream().anyMatch(n -> "c".equals(n.name()) && n.record() != null), "c's record");
        String cId = c.localId();

        long killed = System.nanoTime();
        c.terminate(); // no goodbye: as a kill -9 looks to the others, apart from the closed sockets
        await(() -> a.memberCount() == 2 && b.memberCount() == 2, "c gone from both views");
        long detectedMs = (System.nanoTime() - killed) / 1_000_000;
        await(() -> a.nodes().stream().noneMatch(n -> n.id().equals(cId)), "c's record removed");
        System.out.printf("cluster: a terminated member left the others' views after %d ms%n", detectedMs);
        assertNull(a.nodes().stream().filter(n -> n.id().equals(cId)).findFirst().orElse(null));
        assertNotNull(b.nodes().get(0).name());
    }

    private NodeDirectory join(String name, int port, int[] all) {
        NodeDirectory directory = cluster.join(name, port, all, Set.of("rtsp"), 30);
        return directory;
    }

    private static NodeRecord record(String name, int viewers) {
        return new NodeRecord(name, "http://127.0.0.1:9999/" + name, List.of(new NodeRecord.StreamEntry("cam", "live",
                viewers)), viewers, 2000L * viewers, 12.5, System.currentTimeMillis());
    }


}
