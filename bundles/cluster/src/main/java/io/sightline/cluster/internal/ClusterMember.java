package io.sightline.cluster.internal;

import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.cluster.ClusterNode;
import io.sightline.api.cluster.ClusterOrigin;
import io.sightline.api.cluster.EdgeRelays;
import io.sightline.api.cluster.Publication;
import io.sightline.api.cluster.Publications;
import io.sightline.api.cluster.RemoteStream;
import io.sightline.api.auth.TokenIssuer;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.health.HealthContributor;
import io.sightline.api.health.HealthReport;
import io.sightline.api.health.HealthStatus;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.transport.SessionRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as a member of the cluster: joins at activation, publishes its record every publish interval, leaves at
 * deactivation. Lists the members for {@code /health} (group {@code cluster}) and {@code cluster:list}. Without
 * {@code etc/io.sightline.cluster.cfg} it is not active and the node runs alone, exactly as without this bundle.
 * A configuration change deactivates and activates it again (the member rejoins), which touches no stream or viewer.
 * It also keeps this node's pull sources in the origin table and takes over those of failed members (decision 0040).
 */
@Component(configurationPid = ClusterMember.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {ClusterDirectory.class, HealthContributor.class, EdgeRelays.class, Publications.class})
@Designate(ocd = ClusterConfiguration.class)
public final class ClusterMember implements ClusterDirectory, HealthContributor, EdgeRelays, Publications {
    static final String PID = "io.sightline.cluster";
    /** The WHIP publishers' node-wide defaults (transport-sfu's file), read for {@code publish.takeover} only. */
    static final String WHIP_DEFAULTS_PID = "io.sightline.source.whip";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

    private final ClusterSettings settings;
    private final NodeDirectory directory;
    private final ScheduledExecutorService publisher;
    private final PullSourceKeeper pullSources;
    private final RelayKeeper relays;
    private final PublicationKeeper publications;
    private final LocalLoad load = new LocalLoad();
    /** Mints the relays' credentials; optional: without it relays present none (public origins need none). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TokenIssuer tokens;
    private final Bundle framework;

    @Activate
    public ClusterMember(ClusterConfiguration config, BundleContext context, @Reference StreamRegistry streams,
            @Reference SessionRegistry sessions, @Reference StreamCatalog catalog,
            @Reference ConfigurationAdmin configAdmin) {
        try {
            this.settings = ClusterSettings.of(config, httpPort(configAdmin));
        } catch (IllegalArgumentException e) {
            LOG.error("Cluster not joined: etc/{}.cfg: {}", PID, e.getMessage());
            throw e;
        }
        this.framework = context.getBundle(0);
        // One thread for publishing and re-homing, so the two never race; created first: a member may leave as soon
        // as this one has joined.
        this.publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-cluster-publish");
            t.setDaemon(true);
            return t;
        });
        this.directory = NodeDirectory.join(settings, ClusterMember.class.getClassLoader(), this::rehomeSoon);
        this.pullSources = new PullSourceKeeper(directory.origins(), catalog, settings.rehomeSourceTypes(),
                settings.nodeName());
        this.relays = new RelayKeeper(catalog, streams, name -> (int) sessions.sessions().stream()
                .filter(s -> s.streamName().equals(name)).count(), directory::nodes, directory.staleAfterMillis(),
                () -> tokens, settings.nodeName(), settings.relayIdleSeconds(), System::currentTimeMillis);
        this.publications = new PublicationKeeper(directory.origins(), catalog, streams, relays,
                PublicationKeeper.View.of(directory),
                () -> takeoverDefault(configAdmin), settings.rehomeSourceTypes().contains(PublicationKeeper.WHIP),
                () -> publishSoon(streams, sessions), settings.nodeName());
        publisher.scheduleWithFixedDelay(() -> {
            publish(load, streams, sessions);
            rehome();
            keepRelays();
        }, 0, settings.publishIntervalSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Leaving because the server stops: this node's pull sources stay in the origin table and the survivors take them
     * over. Leaving while the server goes on (a configuration change, the feature uninstalled): this node keeps
     * reading its cameras, so it withdraws them first and nobody else starts them.
     */
    @Deactivate
    void deactivate() {
        publisher.shutdownNow();
        try {
            if (framework.getState() != Bundle.STOPPING) {
                pullSources.withdraw(directory.localId());
            }
        } catch (RuntimeException e) {
            LOG.warn("Cluster: could not withdraw this node's pull sources: {}", e.getMessage());
        } finally {
            directory.close();
        }
    }

    /** A member left: take over its cameras now rather than at the next interval (called on Hazelcast's thread). */
    private void rehomeSoon() {
        try {
            publisher.execute(this::rehome);
        } catch (RejectedExecutionException leaving) {
            // This node is leaving too: nothing to take over.
        }
    }

    private void rehome() {
        if (pullSources == null) {
            return; // a member left while this one was still joining: the first interval reconciles
        }
        try {
            Map<String, Set<String>> holders = directory.streamHolders();
            Map<String, Set<String>> relayers = directory.streamRelayers();
            pullSources.reconcile(directory.localId(), directory.liveMemberIds(),
                    name -> holders.getOrDefault(name, Set.of()), name -> relayers.getOrDefault(name, Set.of()));
        } catch (RuntimeException e) {
            // The next interval tries again; a take-over is only decided by a successful compare-and-set.
            LOG.warn("Cluster: origin table not reconciled: {}", e.toString());
        }
    }

    private void keepRelays() {
        try {
            relays.tick();
        } catch (RuntimeException e) {
            LOG.warn("Cluster: relays not kept this interval: {}", e.toString());
        }
    }

    @Override
    public Optional<RemoteStream> remote(String stream) {
        return relays.remote(stream);
    }

    @Override
    public boolean relay(String stream, Duration wait) throws InterruptedException {
        return relays.relay(stream, wait);
    }

    @Override
    public int relayCount() {
        return relays.relayCount();
    }

    @Override
    public Optional<Publication> elsewhere(String stream) {
        return publications.elsewhere(stream);
    }

    @Override
    public Claim claim(String stream, Duration wait) throws InterruptedException {
        return publications.claim(stream, wait);
    }

    /** A claimed stream runs here: publish the record now, not at the next interval, so relays follow sooner. */
    private void publishSoon(StreamRegistry streams, SessionRegistry sessions) {
        try {
            publisher.execute(() -> publish(load, streams, sessions));
        } catch (RejectedExecutionException leaving) {
            // This node is leaving: nothing to publish.
        }
    }

    /** This node's {@code publish.takeover} default for whip streams; false (the key's default) when not set. */
    private static boolean takeoverDefault(ConfigurationAdmin configAdmin) {
        try {
            Configuration whip = configAdmin.getConfiguration(WHIP_DEFAULTS_PID, null);
            Object value = whip.getProperties() == null ? null : whip.getProperties().get(PublicationKeeper.TAKEOVER);
            return value != null && Boolean.parseBoolean(value.toString().trim());
        } catch (IOException e) {
            return false;
        }
    }

    private void publish(LocalLoad load, StreamRegistry streams, SessionRegistry sessions) {
        try {
            directory.publish(load.sample(settings, streams, sessions));
        } catch (RuntimeException e) {
            // The next interval tries again; a record that is not refreshed goes stale and then expires.
            LOG.warn("Cluster: could not publish this node's record: {}", e.getMessage());
        }
    }

    @Override
    public String clusterName() {
        return settings.clusterName();
    }

    @Override
    public List<ClusterNode> nodes() {
        long stale = directory.staleAfterMillis();
        return directory.nodes().stream().map(n -> node(n, stale)).toList();
    }

    @Override
    public int configuredMembers() {
        return settings.members().size();
    }

    private static ClusterNode node(NodeView view, long staleAfterMillis) {
        NodeRecord r = view.record();
        boolean fresh = r != null && view.ageMillis() <= staleAfterMillis;
        return r == null
                ? new ClusterNode(view.id(), view.name(), view.address(), view.local(), false, null, -1, List.of(), -1,
                        -1, -1, -1)
                : new ClusterNode(view.id(), view.name(), view.address(), view.local(), fresh, r.httpUrl(),
                        r.streams().size(), servable(r), r.viewers(), r.egressKbps(), r.cpuPercent(),
                        view.ageMillis());
    }

    /** A stream that is failed or stopped there cannot take a viewer sent to that node. */
    private static List<String> servable(NodeRecord record) {
        return record.streams().stream().filter(NodeRecord.StreamEntry::servable).map(NodeRecord.StreamEntry::name)
                .toList();
    }

    @Override
    public List<ClusterOrigin> origins() {
        return directory.origins().all().values().stream()
                .map(e -> new ClusterOrigin(e.stream(), e.originName(), e.formerOrigins()))
                .sorted(Comparator.comparing(ClusterOrigin::stream)).toList();
    }

    @Override
    public String group() {
        return "cluster";
    }

    /**
     * One report per member; a member without a fresh record, or fewer members than configured, is degraded. The
     * membership report also names the node reading each pull source ({@code origins}).
     */
    @Override
    public List<HealthReport> check() {
        List<ClusterNode> nodes = nodes();
        List<HealthReport> reports = new ArrayList<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("cluster", settings.clusterName());
        summary.put("members", nodes.size());
        summary.put("configured", configuredMembers());
        Map<String, Object> origins = new LinkedHashMap<>();
        origins().forEach(o -> origins.put(o.stream(), o.node()));
        summary.put("origins", origins);
        summary.put("relays", relays.relayCount());
        reports.add(new HealthReport("membership", nodes.size() < configuredMembers() ? HealthStatus.DEGRADED
                : HealthStatus.UP, summary));
        for (ClusterNode node : nodes) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("address", node.address());
            details.put("local", node.local() ? "yes" : "no");
            if (node.ageMillis() >= 0) {
                details.put("http", node.httpUrl());
                details.put("streams", node.streams());
                details.put("viewers", node.viewers());
                details.put("egressKbps", node.egressKbps());
                details.put("cpuPercent", node.cpuPercent());
                details.put("ageMs", node.ageMillis());
            }
            reports.add(new HealthReport(node.name(), node.fresh() ? HealthStatus.UP : HealthStatus.DEGRADED, details));
        }
        return reports;
    }

    /** The HTTP port Pax Web listens on, for the default {@code http.url}; 8080 when it is not configured. */
    private static int httpPort(ConfigurationAdmin configAdmin) {
        try {
            Configuration web = configAdmin.getConfiguration("org.ops4j.pax.web", null);
            Object port = web.getProperties() == null ? null : web.getProperties().get("org.osgi.service.http.port");
            return port == null ? 8080 : Integer.parseInt(port.toString().trim());
        } catch (IOException | NumberFormatException e) {
            return 8080;
        }
    }
}
