package io.sightline.cluster.internal;

import static io.sightline.cluster.internal.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Re-homing on real embedded Hazelcast members (loopback): a camera of a member that dies is defined by exactly one
 * survivor, the old origin coming back with its file removes its copy, a removed stream leaves the table. The
 * catalogs are in memory (the core's file writer is covered by its own tests and by the e2e test).
 */
class PullSourceKeeperTest {
    private static final Map<String, String> CAM = Map.of("source.type", "rtsp",
            "source.url", "rtsp://viewer:s3cret@192.0.2.7/stream1", "access", "token");

    private final LoopbackCluster cluster = new LoopbackCluster("rehome");

    @AfterEach
    void leave() {
        cluster.leave();
    }

    @Test
    void exactlyOneSurvivorDefinesTheStreamAndTheOldOriginDropsItsCopyWhenBack() throws Exception {
        int[] ports = LoopbackCluster.ports(4);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports);
        Node c = node("c", ports[2], ports);
        await(() -> a.directory.memberCount() == 3 && c.directory.memberCount() == 3, "three members");
        a.catalog.create("cam", CAM, null);
        a.catalog.create("pattern", Map.of("source.type", "testpattern"), null);
        a.reconcile();

        Map<String, OriginEntry> table = b.directory.origins().all();
        assertEquals(Set.of("cam"), table.keySet(), "only the pull source is replicated");
        assertEquals(CAM, table.get("cam").config(), "with its whole configuration");
        assertEquals("a", table.get("cam").originName());

        a.directory.terminate();
        await(() -> b.directory.memberCount() == 2 && c.directory.memberCount() == 2, "a gone");
        // Both survivors reconcile at the same moment, several times: the compare-and-set lets one take it.
        CyclicBarrier together = new CyclicBarrier(2);
        Thread other = new Thread(() -> rounds(c, together));
        other.start();
        rounds(b, together);
        other.join();

        List<Node> holders = List.of(b, c).stream().filter(n -> n.catalog.get("cam").isPresent()).toList();
        assertEquals(1, holders.size(), "exactly one survivor defines the camera");
        Node holder = holders.get(0);
        assertEquals(CAM, holder.catalog.get("cam").get().properties());
        assertEquals("cluster", holder.catalog.lastActor.surface());
        OriginEntry moved = b.directory.origins().all().get("cam");
        assertEquals(holder.name, moved.originName());
        assertEquals(List.of("a"), moved.formerOrigins());

        // a comes back with the file it had: it finds the camera read elsewhere and removes its copy.
        Node back = node("a", ports[3], ports);
        await(() -> back.directory.memberCount() == 3, "a back");
        back.catalog.create("cam", CAM, null);
        back.reconcile();
        assertFalse(back.catalog.get("cam").isPresent(), "the returning node's copy is removed");
        holder.reconcile();
        assertTrue(holder.catalog.get("cam").isPresent(), "the camera stays where it was re-homed");
        assertEquals(holder.name, back.directory.origins().all().get("cam").originName());

        // The operator removes it where it is: it leaves the table and nobody takes it over.
        holder.catalog.remove("cam", null, null);
        holder.reconcile();
        assertNull(back.directory.origins().all().get("cam"));
    }

    @Test
    void aNodeLeavingWhileTheServerRunsWithdrawsItsCamerasAndNobodyStartsThem() throws Exception {
        int[] ports = LoopbackCluster.ports(2);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports);
        await(() -> b.directory.memberCount() == 2, "two members");
        a.catalog.create("cam", CAM, null);
        a.reconcile();
        assertEquals(Set.of("cam"), b.directory.origins().all().keySet());

        a.keeper.withdraw(a.directory.localId());
        a.directory.close();
        await(() -> b.directory.memberCount() == 1, "a gone");
        b.reconcile();
        assertFalse(b.catalog.get("cam").isPresent(), "a still reads its camera: b must not");
    }

    /** The survivor that relayed the camera (decision 0045) turns its relay into the camera: same stream, its viewers. */
    @Test
    void aSurvivorThatRelayedTheCameraReplacesItsRelayWithTheCamera() throws Exception {
        int[] ports = LoopbackCluster.ports(2);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports);
        await(() -> b.directory.memberCount() == 2, "two members");
        a.catalog.create("cam", CAM, null);
        a.reconcile();
        b.catalog.create("cam", Map.of("source.type", "whep", "source.url", "http://a/whep/cam", "source.relay",
                "true"), null);
        b.reconcile();
        assertEquals("a", b.directory.origins().all().get("cam").originName(), "a relay is not announced");

        a.directory.terminate();
        await(() -> b.directory.memberCount() == 1, "a gone");
        b.reconcile();
        assertEquals(CAM, b.catalog.get("cam").orElseThrow().properties(), "the relay became the camera");
        assertEquals(1, b.catalog.replaces.get(), "replaced in place, not removed and created");
        assertEquals("b", b.directory.origins().all().get("cam").originName());
    }

    /** With a survivor that does not relay the camera, that one takes it, whatever the hash: the relay follows. */
    @Test
    void aSurvivorThatDoesNotRelayTheCameraIsPreferred() throws Exception {
        int[] ports = LoopbackCluster.ports(3);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports);
        Node c = node("c", ports[2], ports);
        await(() -> c.directory.memberCount() == 3, "three members");
        a.catalog.create("cam", CAM, null);
        a.reconcile();
        c.catalog.create("cam", Map.of("source.type", "whep", "source.url", "http://a/whep/cam", "source.relay",
                "true"), null);
        a.directory.terminate();
        await(() -> b.directory.memberCount() == 2 && c.directory.memberCount() == 2, "a gone");
        Set<String> relayers = Set.of(c.directory.localId());
        for (Node n : List.of(c, b, c)) {
            n.keeper.reconcile(n.directory.localId(), n.directory.liveMemberIds(), s -> Set.of(), s -> relayers);
        }
        assertEquals(CAM, b.catalog.get("cam").orElseThrow().properties(), "b reads the camera now");
        assertEquals("true", c.catalog.get("cam").orElseThrow().properties().get("source.relay"), "c still relays");
        assertEquals("b", b.directory.origins().all().get("cam").originName());
    }

    /** Another JVM writes the same content in another key order: the take-over compares with the stored text. */
    @Test
    void anEntryWrittenByAnotherNodeInItsOwnLayoutIsTakenOver() throws Exception {
        int[] ports = LoopbackCluster.ports(1);
        Node b = node("b", ports[0], ports);
        String foreign = "{ \"stream\": \"cam\", \"originName\": \"gone\", \"originId\": \"no-such-member\", "
                + "\"formerOrigins\": [], \"config\": {\"source.url\": \"rtsp://192.0.2.7/x\", "
                + "\"source.type\": \"rtsp\"} }";
        b.directory.hazelcastMap(Origins.MAP).put("cam", foreign);
        b.reconcile();
        assertEquals(Map.of("source.type", "rtsp", "source.url", "rtsp://192.0.2.7/x"),
                b.catalog.get("cam").orElseThrow().properties());
        assertEquals("b", b.directory.origins().all().get("cam").originName());
    }

    @Test
    void theEntryNeverPrintsTheSecrets() {
        String text = new OriginEntry("cam", "id", "a", Map.of("source.url", "rtsp://u:s3cret@h/x",
                "source.password", "hunter2"), List.of()).toString();
        assertFalse(text.contains("s3cret") || text.contains("hunter2"), text);
    }

    private static void rounds(Node node, CyclicBarrier together) {
        try {
            for (int i = 0; i < 5; i++) {
                together.await();
                node.reconcile();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Node node(String name, int port, int[] all) {
        NodeDirectory directory = cluster.join(name, port, all, Set.of("rtsp"), 30);
        return new Node(name, directory);
    }

    /** One member with its own in-memory catalog and keeper. */
    private static final class Node {
        final String name;
        final NodeDirectory directory;
        final MemoryCatalog catalog = new MemoryCatalog();
        final PullSourceKeeper keeper;

        Node(String name, NodeDirectory directory) {
            this.name = name;
            this.directory = directory;
            this.keeper = new PullSourceKeeper(directory.origins(), catalog, Set.of("rtsp", "srt"), name);
        }

        void reconcile() {
            keeper.reconcile(directory.localId(), directory.liveMemberIds(), s -> Set.of());
        }
    }


}
