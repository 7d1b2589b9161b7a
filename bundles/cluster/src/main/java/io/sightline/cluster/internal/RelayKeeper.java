package io.sightline.cluster.internal;

import io.sightline.api.auth.Action;
import io.sightline.api.auth.TokenIssuer;
import io.sightline.api.cluster.EdgeRelays;
import io.sightline.api.cluster.RemoteStream;
import io.sightline.api.control.Actor;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamState;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's relays of streams ingested elsewhere in the cluster (decision 0045). A relay is a stream file like any
 * other, written through the catalog: {@code source.type = whep} pulling the origin's {@code /whep/<stream>} with a
 * short-lived view token for that stream only, the origin's access settings copied, and {@code source.relay = true},
 * which keeps it out of the origins other nodes may relay from.
 * <ul>
 * <li>{@link #relay} (a viewer's POST, Jetty threads) defines it once per stream: concurrent first viewers meet on
 * the stream's lock and the second finds the file written;</li>
 * <li>{@link #tick} (the publisher thread, every interval) follows the origin (re-homed camera: the file's URL is
 * edited, core restarts the source and keeps the viewers), renews the token while the source is down, and removes
 * the relay {@code relay.idle.seconds} after its last viewer.</li>
 * </ul>
 */
final class RelayKeeper implements EdgeRelays {
    static final String RELAY_KEY = "source.relay";
    static final String PUBLIC_FROM = "access.public.from";
    /** Long enough for a connect and a few reconnects, short enough to be worthless soon if it leaks. */
    static final Duration TOKEN_TTL = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(RelayKeeper.class);
    private static final long POLL_MILLIS = 20;

    /** What the directory says about an origin of a stream. */
    record Origin(String node, String httpUrl, NodeRecord.StreamEntry entry) {
        String whepUrl(String stream) {
            return httpUrl + "/whep/" + stream;
        }

        Map<String, String> access() {
            Map<String, String> access = new LinkedHashMap<>();
            access.put(Stream.ACCESS, entry.access() == null ? "token" : entry.access());
            if (entry.publicFrom() != null) {
                access.put(PUBLIC_FROM, entry.publicFrom());
            }
            return access;
        }
    }

    /**
     * A new relay is kept at least this long even without a session: its first viewer's POST waits for the file to be
     * read, the pull to connect and the tracks, and only then registers its session.
     */
    static final Duration FIRST_VIEWER_GRACE = Duration.ofSeconds(30);

    /** A relay's bookkeeping; guarded by the stream's lock. */
    private static final class Relay {
        final long createdMillis;
        long lastUsedMillis;
        long tokenIssuedMillis;

        Relay(long now, long tokenIssued) {
            this.createdMillis = now;
            this.lastUsedMillis = now;
            this.tokenIssuedMillis = tokenIssued;
        }
    }

    private final StreamCatalog catalog;
    private final StreamRegistry streams;
    private final ToIntFunction<String> viewers;
    private final Supplier<List<NodeView>> nodes;
    private final long staleAfterMillis;
    private final Supplier<TokenIssuer> tokens;
    private final String localName;
    private final long idleMillis;
    private final LongSupplier clock;
    private final Actor actor;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Relay> relays = new ConcurrentHashMap<>();

    /**
     * @param viewers the viewer sessions of a stream on this node now
     * @param nodes   the directory's members, read at each decision
     */
    RelayKeeper(StreamCatalog catalog, StreamRegistry streams, ToIntFunction<String> viewers,
            Supplier<List<NodeView>> nodes, long staleAfterMillis, Supplier<TokenIssuer> tokens, String localName,
            int idleSeconds, LongSupplier clock) {
        this.catalog = catalog;
        this.streams = streams;
        this.viewers = viewers;
        this.nodes = nodes;
        this.staleAfterMillis = staleAfterMillis;
        this.tokens = tokens;
        this.localName = localName;
        this.idleMillis = Duration.ofSeconds(idleSeconds).toMillis();
        this.clock = clock;
        this.actor = new Actor("cluster", "cluster", localName);
    }

    static boolean isRelay(Map<String, ?> properties) {
        Object v = properties.get(RELAY_KEY);
        return v != null && Boolean.parseBoolean(v.toString().trim());
    }

    @Override
    public Optional<RemoteStream> remote(String stream) {
        Optional<StreamConfig> defined = catalog.get(stream);
        if (defined.isPresent() && !isRelay(defined.get().properties())) {
            return Optional.empty(); // this node ingests it itself
        }
        return origin(stream, null).map(o -> new RemoteStream(stream, o.node(), o.access()));
    }

    @Override
    public boolean relay(String stream, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock(stream)) {
            Optional<StreamConfig> defined = catalog.get(stream);
            if (defined.isEmpty()) {
                Optional<Origin> origin = origin(stream, null);
                if (origin.isEmpty() || !define(stream, origin.get())) {
                    return false;
                }
            } else if (!isRelay(defined.get().properties())) {
                LOG.debug("Cluster: {} is defined here, no relay needed", stream);
            }
            touch(stream);
        }
        while (streams.find(stream).isEmpty()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    @Override
    public int relayCount() {
        return (int) catalog.names().stream().filter(n -> catalog.get(n).map(c -> isRelay(c.properties()))
                .orElse(false)).count();
    }

    /** One pass over this node's relays: follow the origin, renew the token, close the idle ones. */
    void tick() {
        for (String name : catalog.names()) {
            synchronized (lock(name)) {
                catalog.get(name).filter(c -> isRelay(c.properties())).ifPresent(this::keep);
            }
        }
        relays.keySet().removeIf(name -> catalog.get(name).filter(c -> isRelay(c.properties())).isEmpty());
    }

    private void keep(StreamConfig config) {
        String name = config.name();
        long now = clock.getAsLong();
        // A relay found without bookkeeping (this node restarted, or rejoined) starts its idle time now.
        Relay relay = relays.computeIfAbsent(name, n -> new Relay(now, Long.MIN_VALUE));
        Optional<Stream> running = streams.find(name);
        if (viewers.applyAsInt(name) > 0) {
            relay.lastUsedMillis = now;
        }
        boolean young = now - relay.createdMillis < Math.max(idleMillis, FIRST_VIEWER_GRACE.toMillis());
        if (now - relay.lastUsedMillis >= idleMillis && !young) {
            try {
                catalog.remove(name, null, actor);
                relays.remove(name);
                LOG.info("Cluster: relay of {} closed: no viewer for {} s", name, idleMillis / 1000);
            } catch (RuntimeException e) {
                LOG.warn("Cluster: relay of {} not removed: {}", name, e.getMessage());
            }
            return;
        }
        String currentUrl = config.properties().get("source.url");
        Optional<Origin> origin = origin(name, currentUrl);
        if (origin.isEmpty()) {
            return; // no live origin now (its node failed, the camera not re-homed yet): the source keeps retrying
        }
        Origin o = origin.get();
        Map<String, String> set = new LinkedHashMap<>();
        if (!o.whepUrl(name).equals(currentUrl)) {
            set.put("source.url", o.whepUrl(name));
        }
        o.access().forEach((k, v) -> {
            if (!v.equals(config.properties().get(k))) {
                set.put(k, v);
            }
        });
        boolean stale = now - relay.tokenIssuedMillis >= TOKEN_TTL.toMillis() / 2;
        boolean down = running.map(s -> s.status().state() != StreamState.LIVE).orElse(true);
        if (!set.isEmpty() || (stale && down)) {
            set.put("source.token", token(name, o));
            Set<String> unset = config.properties().containsKey(PUBLIC_FROM) && !o.access().containsKey(PUBLIC_FROM)
                    ? Set.of(PUBLIC_FROM) : Set.of();
            try {
                catalog.edit(name, set, unset, null, actor);
                relay.tokenIssuedMillis = now;
                if (set.containsKey("source.url")) {
                    LOG.info("Cluster: relay of {} now pulls from node {} (its origin changed)", name, o.node());
                }
            } catch (RuntimeException e) {
                LOG.warn("Cluster: relay of {} not updated: {}", name, e.getMessage());
            }
        }
    }

    /** Writes the relay's stream file; false (logged) when the catalog refuses it. Under the stream's lock. */
    private boolean define(String stream, Origin origin) {
        Map<String, String> properties = new HashMap<>(origin.access());
        properties.put("source.type", "whep");
        properties.put("source.url", origin.whepUrl(stream));
        properties.put("source.token", token(stream, origin));
        properties.put(RELAY_KEY, "true");
        // The origin may move (re-homing): come back quickly rather than after the default 10 s backoff.
        properties.put("reconnect.max.delay.ms", "2000");
        try {
            catalog.create(stream, properties, actor);
        } catch (ChangeRefused e) {
            if (e.reason() != ChangeRefused.Reason.EXISTS) {
                LOG.warn("Cluster: relay of {} from node {} refused: {}", stream, origin.node(), e.getMessage());
                return false;
            }
        } catch (RuntimeException e) {
            LOG.warn("Cluster: relay of {} from node {} not defined: {}", stream, origin.node(), e.getMessage());
            return false;
        }
        long now = clock.getAsLong();
        relays.put(stream, new Relay(now, now));
        LOG.info("Cluster: relaying {} from node {} for its first viewer here", stream, origin.node());
        return true;
    }

    /**
     * The node to pull the stream from: a fresh member other than this one that defines the stream itself (not as a
     * relay) and can serve it. The one pulled from now is kept while it qualifies; otherwise the rendezvous winner,
     * so that edges agree when an operator defines the stream on several nodes.
     */
    Optional<Origin> origin(String stream, String currentUrl) {
        Map<String, Origin> candidates = new HashMap<>();
        for (NodeView node : nodes.get()) {
            NodeRecord r = node.record();
            if (node.local() || r == null || node.ageMillis() > staleAfterMillis || r.httpUrl() == null) {
                continue;
            }
            r.streams().stream().filter(e -> e.name().equals(stream) && !e.relay() && e.servable()).findFirst()
                    .ifPresent(e -> candidates.put(node.id(), new Origin(node.name(), r.httpUrl(), e)));
        }
        Optional<Origin> current = candidates.values().stream()
                .filter(o -> o.whepUrl(stream).equals(currentUrl)).findFirst();
        return current.isPresent() ? current
                : Optional.ofNullable(Rendezvous.pick(stream, candidates.keySet())).map(candidates::get);
    }

    /**
     * A view token for this stream only. None for a stream public to every address (a token the origin cannot verify,
     * signed with another secret, would be refused there), and none when no token issuer is installed.
     */
    private String token(String stream, Origin origin) {
        if ("public".equals(origin.entry().access()) && origin.entry().publicFrom() == null) {
            return "";
        }
        TokenIssuer issuer = tokens.get();
        if (issuer == null) {
            LOG.warn("Cluster: no token issuer installed (auth-jwt): the relay of {} presents no credential", stream);
            return "";
        }
        return issuer.issue(stream, Set.of(Action.READ), TOKEN_TTL, RELAY_PRINCIPAL_PREFIX + localName);
    }

    private void touch(String stream) {
        Relay relay = relays.get(stream);
        if (relay != null) {
            relay.lastUsedMillis = clock.getAsLong();
        }
    }

    /** Runs {@code work} under the stream's lock, which every change of its relay takes (decision 0050's claims). */
    <T> T locked(String stream, Supplier<T> work) {
        synchronized (lock(stream)) {
            return work.get();
        }
    }

    private Object lock(String stream) {
        return locks.computeIfAbsent(Objects.requireNonNull(stream), s -> new Object());
    }
}
