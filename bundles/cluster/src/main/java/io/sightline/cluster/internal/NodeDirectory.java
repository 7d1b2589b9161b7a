package io.sightline.cluster.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership and the cluster-wide directory: one map entry per node, written by that node only (its
 * record as JSON, with a time to live so a record outlives its node by little even if nobody removes it), removed by
 * the survivors as soon as Hazelcast declares the node gone.
 */
final class NodeDirectory implements AutoCloseable {
    static final String NODES_MAP = "sightline.nodes";

    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectory.class);

    private final HazelcastInstance hazelcast;
    private final ClusterSettings settings;
    private final IMap<String, String> records;
    /** Fields a later build adds are skipped, so nodes of two builds read each other's records. */
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final UUID membershipListener;
    private final Runnable onMemberRemoved;

    private NodeDirectory(HazelcastInstance hazelcast, ClusterSettings settings, Runnable onMemberRemoved) {
        this.hazelcast = hazelcast;
        this.settings = settings;
        this.onMemberRemoved = onMemberRemoved;
        this.records = hazelcast.getMap(NODES_MAP);
        this.membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipLog());
    }

    /** Starts the embedded member and joins the configured members (blocks for the join, a few seconds at most). */
    static NodeDirectory join(ClusterSettings settings, ClassLoader classLoader) {
        return join(settings, classLoader, () -> { });
    }

    /**
     * As {@link #join(ClusterSettings, ClassLoader)}; {@code onMemberRemoved} runs on Hazelcast's event thread each
     * time a member leaves or is declared dead (it must hand its work off and return).
     */
    static NodeDirectory join(ClusterSettings settings, ClassLoader classLoader, Runnable onMemberRemoved) {
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(HazelcastConfig.of(settings, classLoader));
        NodeDirectory directory = new NodeDirectory(hazelcast, settings, onMemberRemoved);
        LOG.info("Cluster '{}': node {} joined at {}:{}; {} member(s) now", settings.clusterName(),
                settings.nodeName(), settings.bindAddress(), settings.port(), directory.memberCount());
        return directory;
    }

    void publish(NodeRecord record) {
        String value;
        try {
            value = json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("node record not serializable", e);
        }
        records.set(localId(), value, recordTtlSeconds(), TimeUnit.SECONDS);
    }

    /** Every current member with its record, this node first. */
    List<NodeView> nodes() {
        Set<Member> members = hazelcast.getCluster().getMembers();
        Map<String, String> published = records.getAll(members.stream().map(m -> m.getUuid().toString())
                .collect(Collectors.toSet()));
        long now = System.currentTimeMillis();
        List<NodeView> nodes = new ArrayList<>();
        for (Member member : members) {
            String id = member.getUuid().toString();
            NodeRecord record = parse(id, published.get(id));
            nodes.add(new NodeView(id, member.getAddress().getHost() + ":" + member.getAddress().getPort(),
                    nameOf(member), member.localMember(), record, record == null ? -1 : now - record.publishedMillis()));
        }
        nodes.sort(Comparator.comparing((NodeView n) -> !n.local()).thenComparing(NodeView::name));
        return nodes;
    }

    /** The origin table of pull sources (decision 0040). */
    Origins origins() {
        return new Origins(hazelcast.getMap(Origins.MAP));
    }

    /** A map of the cluster by name (tests that write what another node would). */
    IMap<String, String> hazelcastMap(String name) {
        return hazelcast.getMap(name);
    }

    /** The ids of the current members, this one included. */
    Set<String> liveMemberIds() {
        return hazelcast.getCluster().getMembers().stream().map(m -> m.getUuid().toString())
                .collect(Collectors.toSet());
    }

    /**
     * For each stream name, the members whose last record lists it as their own (from one read of the directory). A
     * relay does not count: the node relaying a camera is not where the camera can be read (decision 0045).
     */
    Map<String, Set<String>> streamHolders() {
        Map<String, Set<String>> holders = new HashMap<>();
        for (NodeView node : nodes()) {
            if (node.record() != null) {
                node.record().streams().stream().filter(s -> !s.relay()).forEach(s -> holders
                        .computeIfAbsent(s.name(), k -> new HashSet<>()).add(node.id()));
            }
        }
        return holders;
    }

    /** For each stream name, the members whose last record lists it as a relay (decision 0045). */
    Map<String, Set<String>> streamRelayers() {
        Map<String, Set<String>> relayers = new HashMap<>();
        for (NodeView node : nodes()) {
            if (node.record() != null) {
                node.record().streams().stream().filter(NodeRecord.StreamEntry::relay).forEach(s -> relayers
                        .computeIfAbsent(s.name(), k -> new HashSet<>()).add(node.id()));
            }
        }
        return relayers;
    }

    /** A record older than this counts as stale: its node has missed three publish intervals. */
    long staleAfterMillis() {
        return TimeUnit.SECONDS.toMillis(3L * settings.publishIntervalSeconds());
    }

    int memberCount() {
        return hazelcast.getCluster().getMembers().size();
    }

    String localId() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    @Override
    public void close() {
        try {
            hazelcast.getCluster().removeMembershipListener(membershipListener);
        } finally {
            hazelcast.shutdown();
        }
        LOG.info("Cluster '{}': node {} left", settings.clusterName(), settings.nodeName());
    }

    /** Stops the member without telling the others, as a crash would (tests of failure detection). */
    void terminate() {
        hazelcast.getLifecycleService().terminate();
    }

    /** A record a node wrote that this one cannot read is listed without a record, and logged, never thrown. */
    private NodeRecord parse(String id, String value) {
        if (value == null) {
            return null;
        }
        try {
            return json.readValue(value, NodeRecord.class);
        } catch (JsonProcessingException e) {
            LOG.warn("Cluster: unreadable record of node {}: {}", id, e.getOriginalMessage());
            return null;
        }
    }

    private long recordTtlSeconds() {
        return Math.max(3L * settings.publishIntervalSeconds(), settings.failureDetectionSeconds() + 2L);
    }

    private static String nameOf(Member member) {
        String name = member.getAttribute(HazelcastConfig.NODE_NAME);
        return name == null ? member.getAddress().toString() : name;
    }

    /** Logs joins and departures; removes a departed node's record at once (asynchronously: event thread). */
    private final class MembershipLog implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent event) {
            LOG.info("Cluster: node {} ({}) joined; {} member(s)", nameOf(event.getMember()),
                    event.getMember().getAddress(), event.getMembers().size());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            records.removeAsync(event.getMember().getUuid().toString());
            onMemberRemoved.run();
            LOG.warn("Cluster: node {} ({}) left or failed; {} member(s)", nameOf(event.getMember()),
                    event.getMember().getAddress(), event.getMembers().size());
        }
    }
}
