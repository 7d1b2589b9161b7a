package io.sightline.cluster.internal;

import static io.sightline.cluster.internal.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.auth.Action;
import io.sightline.api.auth.TokenIssuer;
import io.sightline.api.cluster.RemoteStream;
import io.sightline.testing.TestStream;
import io.sightline.testing.TestStreamRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Edge relays on real embedded Hazelcast members (loopback) whose records say who ingests what: the edge relays a
 * stream once whatever the number of concurrent first viewers, copies the origin's access settings, never relays
 * from a relay, follows the origin when the stream moves to another node, and closes the relay after its idle time.
 * The catalog is in memory; the registry (the core's part) registers a stream when its file is written.
 */
class RelayKeeperTest {
    private static final int IDLE_SECONDS = 30;

    private final LoopbackCluster cluster = new LoopbackCluster("relay");
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final TestStreamRegistry registry = new TestStreamRegistry();
    private final Map<String, Integer> viewers = new ConcurrentHashMap<>();
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenSerial = new AtomicInteger();
    /** The auth bundle's part: a view token per call, remembered with its scope. */
    private final TokenIssuer issuer = (pattern, actions, ttl, subject) -> {
        issued.add(pattern + " " + actions + " " + ttl + " " + subject);
        return "token-" + pattern + "-" + tokenSerial.incrementAndGet();
    };
    private final MemoryCatalog catalog = new MemoryCatalog((name, properties) -> {
        registry.remove(name);
        if (properties != null) {
            registry.add(new TestStream(name).sourceType(properties.get("source.type"))
                    .properties(Map.copyOf(properties)));
        }
    });

    @AfterEach
    void leave() {
        cluster.leave();
    }

    @Test
    void concurrentFirstViewersMakeOneRelayFromTheOriginWithItsAccessSettings() throws Exception {
        int[] ports = LoopbackCluster.ports(2);
        NodeDirectory a = member("a", ports[0], ports);
        NodeDirectory c = member("c", ports[1], ports);
        await(() -> c.memberCount() == 2, "two members");
        a.publish(record("a", new NodeRecord.StreamEntry("cam", "live", 0, false, "public", "10.0.0.0/8")));
        RelayKeeper edge = keeper(c, "c", 5);
        await(() -> edge.remote("cam").isPresent(), "c to see a's record");

        RemoteStream remote = edge.remote("cam").orElseThrow();
        assertEquals("a", remote.originNode());
        assertEquals(Map.of("access", "public", "access.public.from", "10.0.0.0/8"), remote.accessProperties());
        assertTrue(edge.remote("nothing").isEmpty(), "no node ingests it");

        int callers = 8;
        CyclicBarrier together = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            results.add(pool.submit(() -> {
                together.await();
                return edge.relay("cam", Duration.ofSeconds(5));
            }));
        }
        for (Future<Boolean> r : results) {
            assertTrue(r.get(), "every viewer gets the relay");
        }
        pool.shutdown();
        assertEquals(1, catalog.creates.get(), "one relay for eight concurrent first viewers");
        assertEquals(1, edge.relayCount());
        Map<String, String> file = catalog.get("cam").orElseThrow().properties();
        assertEquals("whep", file.get("source.type"));
        assertEquals("http://127.0.0.1:9999/a/whep/cam", file.get("source.url"));
        assertEquals("true", file.get("source.relay"));
        assertEquals("public", file.get("access"));
        assertEquals("10.0.0.0/8", file.get("access.public.from"));
        assertEquals("token-cam-1", file.get("source.token"));
        assertEquals(List.of("cam " + Set.of(Action.READ) + " PT1H relay:c"), issued,
                "a view token for this stream only, as the relay of node c");
        assertEquals("cluster", catalog.lastActor.surface());

        // The first viewer's session is not registered yet (its POST waits for the pull): the new relay stays
        // longer than its 5 s idle time.
        clock.addAndGet(Duration.ofSeconds(6).toMillis());
        edge.tick();
        assertTrue(catalog.get("cam").isPresent(), "a relay younger than its first viewer's grace stays");
        clock.addAndGet(RelayKeeper.FIRST_VIEWER_GRACE.toMillis());
        edge.tick();
        assertTrue(catalog.get("cam").isEmpty(), "nobody came: closed");
    }

    @Test
    void aRelayIsNeverAnOriginAndALocalStreamIsNeverRelayed() throws Exception {
        int[] ports = LoopbackCluster.ports(2);
        NodeDirectory b = member("b", ports[0], ports);
        NodeDirectory c = member("c", ports[1], ports);
        await(() -> c.memberCount() == 2, "two members");
        b.publish(record("b", new NodeRecord.StreamEntry("cam", "live", 4, true, null, null),
                new NodeRecord.StreamEntry("lobby", "failed", 0), new NodeRecord.StreamEntry("door", "live", 0, false, "public", null)));
        RelayKeeper edge = keeper(c, "c");
        await(() -> edge.remote("door").isPresent(), "c to see b's record");
        assertTrue(edge.remote("cam").isEmpty(), "b only relays cam: nobody to pull it from");
        assertEquals(Set.of("door", "lobby"), c.streamHolders().keySet(),
                "a relay is not where a camera can be re-homed to (decision 0040's holders)");
        assertTrue(edge.remote("lobby").isEmpty(), "a failed stream is no origin");
        assertFalse(edge.relay("cam", Duration.ofMillis(200)), "no relay without an origin");
        assertEquals(0, catalog.creates.get());
        assertTrue(edge.relay("door", Duration.ofSeconds(5)));
        assertEquals("", catalog.get("door").orElseThrow().properties().get("source.token"),
                "a stream public to everyone needs no token (one signed with another secret would be refused)");
        catalog.remove("door", null, null);

        catalog.create("door", Map.of("source.type", "rtsp"), null);
        assertTrue(edge.remote("door").isEmpty(), "c ingests door itself");
        assertEquals(0, edge.relayCount(), "door here is an origin, not a relay");
    }

    @Test
    void theRelayFollowsItsOriginAndClosesAfterItsLastViewer() throws Exception {
        int[] ports = LoopbackCluster.ports(3);
        NodeDirectory a = member("a", ports[0], ports);
        NodeDirectory b = member("b", ports[1], ports);
        NodeDirectory c = member("c", ports[2], ports);
        await(() -> c.memberCount() == 3, "three members");
        a.publish(record("a", new NodeRecord.StreamEntry("cam", "live", 1)));
        b.publish(record("b"));
        RelayKeeper edge = keeper(c, "c");
        await(() -> edge.remote("cam").isPresent(), "c to see a's record");
        assertTrue(edge.relay("cam", Duration.ofSeconds(5)));
        viewers.put("cam", 20);
        edge.tick();
        assertEquals(0, catalog.edits.get(), "nothing to change while a serves it");

        // a dies; the camera is re-homed to b, which now lists it as its own.
        a.terminate();
        await(() -> c.memberCount() == 2, "a gone");
        edge.tick();
        assertEquals("http://127.0.0.1:9999/a/whep/cam", catalog.get("cam").orElseThrow().properties()
                .get("source.url"), "no origin yet: the relay keeps retrying the old one");
        b.publish(record("b", new NodeRecord.StreamEntry("cam", "starting", 0)));
        await(() -> edge.origin("cam", null).isPresent(), "c to see b as cam's origin");
        edge.tick();
        Map<String, String> file = catalog.get("cam").orElseThrow().properties();
        assertEquals("http://127.0.0.1:9999/b/whep/cam", file.get("source.url"), "re-pulled from the new origin");
        assertEquals("token-cam-2", file.get("source.token"), "with a fresh token");
        assertEquals(1, catalog.creates.get(), "the same relay stream, edited: core keeps its viewers");

        clock.addAndGet(Duration.ofSeconds(IDLE_SECONDS * 2).toMillis());
        edge.tick();
        assertTrue(catalog.get("cam").isPresent(), "viewers are watching: the relay stays");
        viewers.put("cam", 0);
        clock.addAndGet(Duration.ofSeconds(IDLE_SECONDS - 1).toMillis());
        edge.tick();
        assertTrue(catalog.get("cam").isPresent(), "not idle long enough yet");
        clock.addAndGet(Duration.ofSeconds(1).toMillis());
        edge.tick();
        assertTrue(catalog.get("cam").isEmpty(), "closed " + IDLE_SECONDS + " s after the last viewer");
        assertEquals(Optional.empty(), registry.find("cam"));
        assertEquals(0, edge.relayCount());
    }

    private RelayKeeper keeper(NodeDirectory directory, String name) {
        return keeper(directory, name, IDLE_SECONDS);
    }

    private RelayKeeper keeper(NodeDirectory directory, String name, int idleSeconds) {
        return new RelayKeeper(catalog, registry, s -> viewers.getOrDefault(s, 0), directory::nodes,
                directory.staleAfterMillis(), () -> issuer, name, idleSeconds, clock::get);
    }

    private static NodeRecord record(String name, NodeRecord.StreamEntry... streams) {
        return new NodeRecord(name, "http://127.0.0.1:9999/" + name, List.of(streams), 0, 0, 1.0,
                System.currentTimeMillis());
    }

    private NodeDirectory member(String name, int port, int[] all) {
        NodeDirectory directory = cluster.join(name, port, all, Set.of("rtsp"), IDLE_SECONDS);
        return directory;
    }


}
