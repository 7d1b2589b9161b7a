package io.sightline.cluster.internal;

import io.sightline.api.control.Actor;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.Problem;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import io.sightline.api.stream.Stream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's pull sources in the origin table and takes over those of a member that left (decision 0040):
 * <ul>
 * <li>a stream file of a re-homed type ({@code rehome.source.types}) is this node's to announce, unless another live
 * member holds it;</li>
 * <li>an entry whose origin is no longer a member goes to one survivor, chosen by rendezvous hashing among the
 * members that define the stream already, else among all; the chosen one takes it with a compare-and-set on the
 * entry and, if it has no such stream, defines it through the catalog like an operator would;</li>
 * <li>an entry of a WHIP-published stream ({@code source.type = whip}) is never taken over here: the node its
 * publisher reaches claims it ({@link PublicationKeeper}, decision 0050);</li>
 * <li>a node listed among an entry's former origins that finds the stream held by another live member removes its
 * own copy: it comes back with the file it had before the stream was re-homed.</li>
 * </ul>
 * Runs on the publisher thread only (each interval, and at once when a member leaves).
 */
final class PullSourceKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(PullSourceKeeper.class);

    private final Origins origins;
    private final StreamCatalog catalog;
    private final Set<String> types;
    private final String localName;
    private final Actor actor;

    PullSourceKeeper(Origins origins, StreamCatalog catalog, Set<String> types, String localName) {
        this.origins = origins;
        this.catalog = catalog;
        this.types = Set.copyOf(types);
        this.localName = localName;
        this.actor = new Actor("cluster", "cluster", localName);
    }

    /**
     * One pass over this node's streams and the table.
     *
     * @param localId the local member's id
     * @param live    the ids of the current members
     * @param holders for a stream name, the ids of the members whose last record lists it
     */
    void reconcile(String localId, Set<String> live, Function<String, Set<String>> holders) {
        reconcile(localId, live, holders, name -> Set.of());
    }

    /**
     * As {@link #reconcile(String, Set, Function)}; {@code relayers} gives the members that relay a stream (decision
     * 0045): they are chosen only when no other member is left, so an edge stays an edge and its relay follows the
     * camera to its new origin.
     */
    void reconcile(String localId, Set<String> live, Function<String, Set<String>> holders,
            Function<String, Set<String>> relayers) {
        if (types.isEmpty()) {
            return;
        }
        Map<String, OriginEntry> table = origins.all();
        Set<String> local = new HashSet<>(catalog.names());
        for (String name : local) {
            announce(name, table.get(name), localId, live);
        }
        for (OriginEntry entry : table.values()) {
            if (entry.originId().equals(localId) && !local.contains(entry.stream())) {
                origins.remove(entry); // the operator removed the stream here: it is nobody's to take over
            } else if (!live.contains(entry.originId()) && !PublicationKeeper.isWhip(entry.config())) {
                // A whip stream waits for its publisher to reach a node, which claims it (decision 0050).
                takeOverIfChosen(entry, localId, live, holders, relayers, local.contains(entry.stream()));
            }
        }
    }

    /** This node's entries leave the table: it stays alone with its streams, nobody takes them over. */
    void withdraw(String localId) {
        origins.all().values().stream().filter(e -> e.originId().equals(localId)).forEach(origins::remove);
    }

    private void announce(String name, OriginEntry entry, String localId, Set<String> live) {
        Optional<StreamConfig> config = catalog.get(name);
        if (config.isEmpty()) {
            return;
        }
        Map<String, String> properties = config.get().properties();
        boolean mine = entry != null && entry.originId().equals(localId);
        // A relay follows its origin (decision 0045); re-homing it would make a relay somebody's origin.
        if (!types.contains(properties.getOrDefault(Stream.SOURCE_TYPE, "")) || RelayKeeper.isRelay(properties)) {
            if (mine) {
                origins.remove(entry); // its source type changed to one that is not re-homed
            }
            return;
        }
        if (entry == null) {
            origins.add(new OriginEntry(name, localId, localName, properties, List.of()));
        } else if (mine) {
            if (!entry.config().equals(properties)) {
                origins.replace(entry, entry.withConfig(properties));
            }
        } else if (live.contains(entry.originId()) && entry.formerOrigins().contains(localName)) {
            removeStaleCopy(name, entry);
        } else if (!live.contains(entry.originId()) && entry.originName().equals(localName)
                && PublicationKeeper.isWhip(entry.config())) {
            // This node restarted (a new member id) before the stream's publisher reached another node: it is still
            // the origin, and the publisher may come back here. Cameras are re-homed by the survivors instead.
            origins.replace(entry, entry.movedTo(localId, localName));
        }
    }

    private void takeOverIfChosen(OriginEntry entry, String localId, Set<String> live,
            Function<String, Set<String>> holders, Function<String, Set<String>> relayers, boolean definedHere) {
        Set<String> candidates = new HashSet<>(holders.apply(entry.stream()));
        candidates.retainAll(live);
        if (candidates.isEmpty()) {
            candidates = new HashSet<>(live);
            candidates.removeAll(relayers.apply(entry.stream()));
        }
        if (candidates.isEmpty()) {
            candidates = live;
        }
        if (!localId.equals(Rendezvous.pick(entry.stream(), candidates))) {
            return;
        }
        if (!origins.replace(entry, entry.movedTo(localId, localName))) {
            return; // another member changed the entry first: it is theirs
        }
        Optional<StreamConfig> here = definedHere ? catalog.get(entry.stream()) : Optional.empty();
        if (here.isPresent() && !RelayKeeper.isRelay(here.get().properties())) {
            LOG.warn("Cluster: stream {} of failed node {} is read by this node now (it was defined here too)",
                    entry.stream(), entry.originName());
            return;
        }
        try {
            if (here.isPresent()) {
                // This node relayed the camera from the failed node: the camera replaces the relay in the same
                // stream, whose viewers here keep their sessions (core restarts the source only).
                catalog.replace(entry.stream(), entry.config(), null, actor);
                LOG.warn("Cluster: stream {} re-homed from failed node {} to this node, which relayed it; its viewers "
                        + "here stay", entry.stream(), entry.originName());
                return;
            }
            catalog.create(entry.stream(), entry.config(), actor);
            LOG.warn("Cluster: stream {} re-homed from failed node {} to this node", entry.stream(),
                    entry.originName());
        } catch (ChangeRefused e) {
            // Keys only: a problem's text may quote a value, and values may be secrets.
            LOG.error("Cluster: stream {} of failed node {} could not be defined here: {} ({})", entry.stream(),
                    entry.originName(), e.reason(), e.problems().stream().map(Problem::key).toList());
        } catch (RuntimeException e) {
            LOG.error("Cluster: stream {} of failed node {} could not be defined here: {}", entry.stream(),
                    entry.originName(), e.getClass().getSimpleName());
        }
    }

    private void removeStaleCopy(String name, OriginEntry entry) {
        try {
            catalog.remove(name, null, actor);
            LOG.warn("Cluster: stream {} was re-homed to node {} while this node was away; this node's copy is "
                    + "removed so the source is read once (decision 0040)", name, entry.originName());
        } catch (RuntimeException e) {
            LOG.error("Cluster: could not remove this node's stale copy of stream {}: {}", name,
                    e.getClass().getSimpleName());
        }
    }
}
