package io.sightline.cluster.internal;

import io.sightline.api.cluster.Publication;
import io.sightline.api.cluster.Publications;
import io.sightline.api.control.Actor;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.Problem;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WHIP-published streams move to the node their publisher reaches (decision 0050). Their defining node announces
 * them in the origin table like a camera ({@link PullSourceKeeper}), but nobody takes them over by hashing when that
 * node fails: the node a reconnecting publisher reaches claims the entry with a compare-and-set and defines the
 * stream from it (replacing its relay of the stream, whose viewers stay), and the relays elsewhere follow it through
 * the directory. While the origin is up with a live publisher, the stream's {@code publish.takeover} decides: false
 * refuses (409, as a second publisher on the same node), true moves the stream here; the former origin, alive, then
 * removes its copy by decision 0040's former-origin rule. Runs on Jetty threads, under the stream's relay lock so that
 * a relay edit and a claim never interleave.
 */
final class PublicationKeeper implements Publications {
    static final String WHIP = "whip";
    static final String TAKEOVER = "publish.takeover";

    private static final Logger LOG = LoggerFactory.getLogger(PublicationKeeper.class);
    private static final long POLL_MILLIS = 20;

    /** What this node sees of the cluster when it decides. */
    interface View {
        String localId();

        Set<String> liveMemberIds();

        /** The state the member's fresh record gives the stream ({@code live}, {@code reconnecting}...), or null. */
        String state(String memberId, String stream);

        /** The directory's view: membership from Hazelcast, states from the members' fresh records. */
        static View of(NodeDirectory directory) {
            return new View() {
                @Override
                public String localId() {
                    return directory.localId();
                }

                @Override
                public Set<String> liveMemberIds() {
                    return directory.liveMemberIds();
                }

                @Override
                public String state(String memberId, String stream) {
                    long stale = directory.staleAfterMillis();
                    return directory.nodes().stream()
                            .filter(n -> n.id().equals(memberId) && n.record() != null && n.ageMillis() <= stale)
                            .flatMap(n -> n.record().streams().stream()).filter(e -> e.name().equals(stream))
                            .map(NodeRecord.StreamEntry::state).findFirst().orElse(null);
                }
            };
        }
    }

    private final Origins origins;
    private final StreamCatalog catalog;
    private final StreamRegistry streams;
    private final RelayKeeper relays;
    private final View view;
    private final BooleanSupplier takeoverDefault;
    private final boolean enabled;
    private final Runnable publishNow;
    private final String localName;
    private final Actor actor;

    /**
     * @param takeoverDefault this node's default {@code publish.takeover} for streams whose file does not set it
     * @param enabled         whether whip streams are in {@code rehome.source.types}
     * @param publishNow      publishes this node's record at once, so relays elsewhere find the new origin sooner
     */
    PublicationKeeper(Origins origins, StreamCatalog catalog, StreamRegistry streams, RelayKeeper relays, View view,
            BooleanSupplier takeoverDefault, boolean enabled, Runnable publishNow, String localName) {
        this.origins = origins;
        this.catalog = catalog;
        this.streams = streams;
        this.relays = relays;
        this.view = view;
        this.takeoverDefault = takeoverDefault;
        this.enabled = enabled;
        this.publishNow = publishNow;
        this.localName = localName;
        this.actor = new Actor("cluster", "cluster", localName);
    }

    static boolean isWhip(Map<String, ?> properties) {
        Object type = properties.get(Stream.SOURCE_TYPE);
        return type != null && WHIP.equals(type.toString().trim());
    }

    @Override
    public Optional<Publication> elsewhere(String stream) {
        if (!enabled) {
            return Optional.empty();
        }
        Optional<OriginEntry> entry = origins.read(stream).map(Origins.Read::entry).filter(e -> isWhip(e.config()));
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Optional<StreamConfig> here = catalog.get(stream);
        boolean definedHere = here.isPresent() && !RelayKeeper.isRelay(here.get().properties());
        boolean ours = entry.get().originId().equals(view.localId());
        // Defined here: the local stream's own policy applies, unless this node claimed it a moment ago and the
        // core does not run it yet (a publisher retrying after a 503 must not get a 404 meanwhile).
        if (ours ? !definedHere || runsHere(stream) : definedHere) {
            return Optional.empty();
        }
        OriginEntry e = entry.get();
        return Optional.of(new Publication(stream, e.originName(), ours || view.liveMemberIds()
                .contains(e.originId()), access(e.config())));
    }

    @Override
    public Claim claim(String stream, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Claim claim = relays.locked(stream, () -> claimLocked(stream));
        if (claim != Claim.TAKEN) {
            return claim;
        }
        while (!runsHere(stream)) {
            if (System.nanoTime() >= deadline) {
                return Claim.STARTING;
            }
            Thread.sleep(POLL_MILLIS);
        }
        publishNow.run();
        return Claim.TAKEN;
    }

    private Claim claimLocked(String stream) {
        Optional<Origins.Read> read = origins.read(stream);
        if (read.isEmpty() || !isWhip(read.get().entry().config())) {
            return Claim.UNKNOWN;
        }
        OriginEntry entry = read.get().entry();
        String localId = view.localId();
        if (entry.originId().equals(localId)) {
            return define(entry); // a concurrent publish here claimed it a moment ago
        }
        boolean up = view.liveMemberIds().contains(entry.originId());
        String state = up ? view.state(entry.originId(), stream) : null;
        if (up && state == null) {
            return Claim.LOST; // its origin claimed it a moment ago and has not published it yet
        }
        if ("live".equals(state) && !takeover(entry.config())) {
            return Claim.PUBLISHED_ELSEWHERE;
        }
        if (!origins.replace(read.get(), entry.movedTo(localId, localName))) {
            return Claim.LOST;
        }
        LOG.warn("Cluster: WHIP stream {} moves from {} node {} to this node: its publisher reached it", stream,
                up ? "running" : "failed", entry.originName());
        return define(entry);
    }

    /** Defines the stream here from the entry's file, replacing a relay of it (same stream: its viewers stay). */
    private Claim define(OriginEntry entry) {
        Optional<StreamConfig> here = catalog.get(entry.stream());
        try {
            if (here.isEmpty()) {
                catalog.create(entry.stream(), entry.config(), actor);
            } else if (RelayKeeper.isRelay(here.get().properties())) {
                catalog.replace(entry.stream(), entry.config(), null, actor);
            }
            return Claim.TAKEN;
        } catch (ChangeRefused e) {
            if (e.reason() == ChangeRefused.Reason.EXISTS) {
                return Claim.TAKEN;
            }
            // Keys only: a problem's text may quote a value.
            LOG.error("Cluster: WHIP stream {} could not be defined here: {} ({})", entry.stream(), e.reason(),
                    e.problems().stream().map(Problem::key).toList());
        } catch (RuntimeException e) {
            LOG.error("Cluster: WHIP stream {} could not be defined here: {}", entry.stream(),
                    e.getClass().getSimpleName());
        }
        return Claim.STARTING; // the entry is this node's: the next attempt defines it again
    }

    /** The core runs the stream as a whip stream (a replaced relay is registered before its source changes). */
    private boolean runsHere(String stream) {
        return streams.find(stream).map(s -> WHIP.equals(s.sourceType())).orElse(false);
    }

    private boolean takeover(Map<String, String> config) {
        String value = config.get(TAKEOVER);
        return value == null || value.isBlank() ? takeoverDefault.getAsBoolean()
                : Boolean.parseBoolean(value.trim());
    }

    private static Map<String, String> access(Map<String, String> config) {
        Map<String, String> access = new LinkedHashMap<>();
        for (String key : List.of(Stream.ACCESS, RelayKeeper.PUBLIC_FROM)) {
            if (config.containsKey(key)) {
                access.put(key, config.get(key));
            }
        }
        return access;
    }
}
