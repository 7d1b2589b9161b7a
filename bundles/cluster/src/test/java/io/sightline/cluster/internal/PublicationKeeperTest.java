package io.sightline.cluster.internal;

import static io.sightline.cluster.internal.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.cluster.Publication;
import io.sightline.api.cluster.Publications.Claim;
import io.sightline.testing.TestStream;
import io.sightline.testing.TestStreamRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * WHIP-published streams moving to the node their publisher reaches (decision 0050), on real embedded Hazelcast
 * members (loopback): the stream's takeover policy while its origin has a live publisher, the move when the origin
 * failed or has none, exactly one winner among concurrent claims, a relay replaced in place, the former origin
 * dropping its copy, and no survivor taking a whip stream by hashing. Catalogs are in memory; each node's registry
 * (the core's part) registers a stream when its file is written.
 */
class PublicationKeeperTest {
    private static final Map<String, String> STUDIO = Map.of("source.type", "whip", "access", "token",
            "publish.reconnect.seconds", "20");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final LoopbackCluster cluster = new LoopbackCluster("whip");

    @AfterEach
    void leave() {
        cluster.leave();
    }

    @Test
    void aLivePublisherKeepsTheStreamUnlessItsPolicyTakesOver() throws Exception {
        int[] ports = LoopbackCluster.ports(2);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports);
        await(() -> b.directory.memberCount() == 2, "two members");
        a.define("studio", STUDIO);
        a.publish("studio", "live");
        await(() -> "live".equals(PublicationKeeper.View.of(b.directory).state(a.directory.localId(), "studio")),
                "b to see a's record");

        Publication seen = b.publications.elsewhere("studio").orElseThrow();
        assertEquals("a", seen.originNode());
        assertTrue(seen.originUp());
        assertEquals(Map.of("access", "token"), seen.accessProperties(), "the access settings to judge the publish");
        assertEquals(Optional.empty(), a.publications.elsewhere("studio"), "a defines it: its own policy applies");

        assertEquals(Claim.PUBLISHED_ELSEWHERE, b.publications.claim("studio", WAIT));
        assertFalse(b.catalog.get("studio").isPresent(), "nothing defined on refusal");
        assertEquals("a", b.directory.origins().all().get("studio").originName(), "the entry did not move");

        // The same stream with publish.takeover = true moves to b; a drops its copy at its next reconcile.
        Map<String, String> takeover = new HashMap<>(STUDIO);
        takeover.put("publish.takeover", "true");
        a.catalog.replace("studio", takeover, null, null);
        a.reconcile();
        assertEquals(Claim.TAKEN, b.publications.claim("studio", WAIT));
        assertEquals(takeover, b.catalog.get("studio").orElseThrow().properties());
        assertTrue(b.registry.find("studio").isPresent());
        a.reconcile();
        assertFalse(a.catalog.get("studio").isPresent(), "the former origin removed its copy: one origin");
        OriginEntry entry = a.directory.origins().all().get("studio");
        assertEquals("b", entry.originName());
        assertEquals(List.of("a"), entry.formerOrigins());
    }

    @Test
    void theNodeDefaultDecidesWhenTheStreamDoesNotSetTakeover() throws Exception {
        int[] ports = LoopbackCluster.ports(2);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports, true);
        await(() -> b.directory.memberCount() == 2, "two members");
        a.define("studio", STUDIO);
        a.publish("studio", "live");
        await(() -> "live".equals(PublicationKeeper.View.of(b.directory).state(a.directory.localId(), "studio")),
                "b to see a's record");
        assertEquals(Claim.TAKEN, b.publications.claim("studio", WAIT));
    }

    @Test
    void anOriginWithoutALivePublisherGivesTheStreamToTheNodeThePublisherReached() throws Exception {
        int[] ports = LoopbackCluster.ports(2);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports);
        await(() -> b.directory.memberCount() == 2, "two members");
        a.define("studio", STUDIO);
        a.publish("studio", "reconnecting");
        await(() -> PublicationKeeper.View.of(b.directory).state(a.directory.localId(), "studio") != null,
                "b to see a's record");
        assertEquals(Claim.TAKEN, b.publications.claim("studio", WAIT));
        a.reconcile();
        assertFalse(a.catalog.get("studio").isPresent());
        assertEquals(Optional.empty(), b.publications.elsewhere("studio"), "b's now, and running");

        // Claimed, but the core does not run it (yet): a retrying publisher is still answered through the cluster.
        b.registry.remove("studio");
        assertEquals("b", b.publications.elsewhere("studio").orElseThrow().originNode());
        assertEquals(Claim.STARTING, b.publications.claim("studio", Duration.ofMillis(200)));
        b.registry.add(new TestStream("studio").sourceType("whip").properties(Map.copyOf(STUDIO)));
        assertEquals(Claim.TAKEN, b.publications.claim("studio", WAIT));
    }

    @Test
    void afterTheOriginFailedNoSurvivorTakesItByHashAndOneConcurrentClaimWins() throws Exception {
        int[] ports = LoopbackCluster.ports(3);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports);
        Node c = node("c", ports[2], ports);
        await(() -> c.directory.memberCount() == 3, "three members");
        a.define("studio", STUDIO);
        a.publish("studio", "live");
        // c relays it for its viewers.
        c.catalog.create("studio", Map.of("source.type", "whep", "source.url", "http://a/whep/studio",
                "source.relay", "true"), null);
        a.directory.terminate();
        await(() -> b.directory.memberCount() == 2 && c.directory.memberCount() == 2, "a gone");
        b.reconcile();
        c.reconcile();
        assertFalse(b.catalog.get("studio").isPresent(), "not re-homed by hashing: it waits for its publisher");
        assertEquals("true", c.catalog.get("studio").orElseThrow().properties().get("source.relay"));
        assertFalse(b.publications.elsewhere("studio").orElseThrow().originUp());
        assertTrue(c.publications.elsewhere("studio").isPresent(), "a relay here does not count as defining it");

        // Two publishers (or one retrying through a load balancer) reach b and c at the same moment.
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Claim> onB = pool.submit(() -> {
                together.await();
                return b.publications.claim("studio", WAIT);
            });
            Future<Claim> onC = pool.submit(() -> {
                together.await();
                return c.publications.claim("studio", WAIT);
            });
            List<Claim> claims = List.of(onB.get(), onC.get());
            assertEquals(1, claims.stream().filter(x -> x == Claim.TAKEN).count(), claims.toString());
            assertTrue(claims.contains(Claim.LOST), claims.toString());
            Node winner = onB.get() == Claim.TAKEN ? b : c;
            Node loser = winner == b ? c : b;
            assertEquals(STUDIO, winner.catalog.get("studio").orElseThrow().properties());
            assertEquals(winner.name, b.directory.origins().all().get("studio").originName());
            if (winner == c) {
                assertEquals(1, c.catalog.replaces.get(), "c's relay became the stream in place: its viewers stay");
            } else {
                assertEquals("true", c.catalog.get("studio").orElseThrow().properties().get("source.relay"),
                        "c keeps relaying; its relay follows b");
            }
            assertEquals(Optional.empty(), winner.publications.elsewhere("studio"));
            loser.reconcile();
            winner.reconcile();
            assertEquals(winner.name, b.directory.origins().all().get("studio").originName());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRestartedOriginReclaimsItsEntryBeforeAnyPublisherMovedIt() throws Exception {
        int[] ports = LoopbackCluster.ports(3);
        Node a = node("a", ports[0], ports);
        Node b = node("b", ports[1], ports);
        await(() -> b.directory.memberCount() == 2, "two members");
        a.define("studio", STUDIO);
        a.directory.terminate();
        await(() -> b.directory.memberCount() == 1, "a gone");
        Node back = node("a", ports[2], ports);
        await(() -> back.directory.memberCount() == 2, "a back");
        back.catalog.create("studio", STUDIO, null);
        back.reconcile();
        assertEquals(back.directory.localId(), b.directory.origins().all().get("studio").originId());
        assertTrue(b.publications.elsewhere("studio").orElseThrow().originUp());
        assertTrue(back.catalog.get("studio").isPresent());
    }

    @Test
    void withoutWhipInTheRehomedTypesNothingMoves() throws Exception {
        int[] ports = LoopbackCluster.ports(1);
        Node b = node("b", ports[0], ports);
        b.directory.hazelcastMap(Origins.MAP).put("studio", "{\"stream\":\"studio\",\"originId\":\"gone\","
                + "\"originName\":\"a\",\"config\":{\"source.type\":\"whip\"},\"formerOrigins\":[]}");
        PublicationKeeper off = new PublicationKeeper(b.directory.origins(), b.catalog, b.registry, b.relays,
                PublicationKeeper.View.of(b.directory), () -> false, false, () -> { }, "b");
        assertEquals(Optional.empty(), off.elsewhere("studio"));
        assertTrue(b.publications.elsewhere("studio").isPresent());
    }

    private Node node(String name, int port, int[] all) {
        return node(name, port, all, false);
    }

    private Node node(String name, int port, int[] all, boolean takeoverDefault) {
        NodeDirectory directory = cluster.join(name, port, all, Set.of("rtsp", "whip"), 30);
        return new Node(name, directory, takeoverDefault);
    }

    /** One member with its own catalog, registry and keepers. */
    private static final class Node {
        final String name;
        final NodeDirectory directory;
        final TestStreamRegistry registry = new TestStreamRegistry();
        final MemoryCatalog catalog = new MemoryCatalog((stream, properties) -> {
            registry().remove(stream);
            if (properties != null) {
                registry().add(new TestStream(stream).sourceType(properties.get("source.type"))
                        .properties(Map.copyOf(properties)));
            }
        });
        final PullSourceKeeper keeper;
        final RelayKeeper relays;
        final PublicationKeeper publications;
        final AtomicInteger published = new AtomicInteger();

        Node(String name, NodeDirectory directory, boolean takeoverDefault) {
            this.name = name;
            this.directory = directory;
            this.keeper = new PullSourceKeeper(directory.origins(), catalog, Set.of("rtsp", "whip"), name);
            this.relays = new RelayKeeper(catalog, registry, s -> 0, directory::nodes, directory.staleAfterMillis(),
                    () -> null, name, 30, System::currentTimeMillis);
            this.publications = new PublicationKeeper(directory.origins(), catalog, registry, relays,
                    PublicationKeeper.View.of(directory), () -> takeoverDefault, true, published::incrementAndGet,
                    name);
        }

        private TestStreamRegistry registry() {
            return registry;
        }

        void define(String stream, Map<String, String> properties) {
            catalog.create(stream, properties, null);
            reconcile();
        }

        void publish(String stream, String state) {
            directory.publish(new NodeRecord(name, "http://127.0.0.1:9999/" + name,
                    List.of(new NodeRecord.StreamEntry(stream, state, 0)), 0, 0, 1.0, System.currentTimeMillis()));
        }

        void reconcile() {
            keeper.reconcile(directory.localId(), directory.liveMemberIds(), s -> Set.of());
        }
    }


}
