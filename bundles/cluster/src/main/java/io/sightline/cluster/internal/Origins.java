package io.sightline.cluster.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.map.IMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide origin table: which member reads which pull source (decision 0040). Entries are JSON text, so
 * that no class of ours travels between JVMs and a conditional replace compares plain values: Hazelcast's
 * {@code replace(key, old, new)} is the compare-and-set that lets exactly one survivor take a failed origin's stream.
 * {@link #all()} and the methods taking an entry it read are used by one thread at a time (the publisher);
 * {@link #read(String)} with {@link #replace(Read, OriginEntry)} by any.
 */
final class Origins {
    static final String MAP = "sightline.origins";

    private static final Logger LOG = LoggerFactory.getLogger(Origins.class);

    private final IMap<String, String> map;
    private final ObjectMapper json = new ObjectMapper();
    /**
     * The text each entry of the last {@link #all()} was read from: a compare-and-set must compare with the stored
     * text itself, which another node (another map order, another Jackson) may have written differently from how
     * this node would write the same entry.
     */
    private final Map<OriginEntry, String> readAs = new ConcurrentHashMap<>();

    Origins(IMap<String, String> map) {
        this.map = map;
    }

    /** Every readable entry by stream name; an entry this node cannot read is skipped and logged. */
    Map<String, OriginEntry> all() {
        Map<String, OriginEntry> entries = new HashMap<>();
        readAs.clear();
        for (Map.Entry<String, String> e : map.entrySet()) {
            try {
                OriginEntry entry = json.readValue(e.getValue(), OriginEntry.class);
                entries.put(e.getKey(), entry);
                readAs.put(entry, e.getValue());
            } catch (JsonProcessingException ex) {
                // Never the value: it holds the stream's secrets.
                LOG.warn("Cluster: unreadable origin entry for stream {}: {}", e.getKey(), ex.getOriginalMessage());
            }
        }
        return entries;
    }

    /** One entry with the exact text it is stored as. */
    record Read(OriginEntry entry, String text) {
    }

    /**
     * One stream's entry read now, with its stored text, for a compare-and-set from any thread (the others share the
     * last {@link #all()}, which is the publisher thread's); empty when absent or unreadable.
     */
    Optional<Read> read(String stream) {
        String text = map.get(stream);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Read(json.readValue(text, OriginEntry.class), text));
        } catch (JsonProcessingException e) {
            LOG.warn("Cluster: unreadable origin entry for stream {}: {}", stream, e.getOriginalMessage());
            return Optional.empty();
        }
    }

    /** Replaces the entry read as {@code current} by {@code next} only if nobody changed it meanwhile. */
    boolean replace(Read current, OriginEntry next) {
        return map.replace(current.entry().stream(), current.text(), text(next));
    }

    /** Adds the entry unless the stream has one already; true when this one was added. */
    boolean add(OriginEntry entry) {
        return map.putIfAbsent(entry.stream(), text(entry)) == null;
    }

    /** Replaces {@code current} by {@code next} only if nobody changed it meanwhile. */
    boolean replace(OriginEntry current, OriginEntry next) {
        return map.replace(current.stream(), stored(current), text(next));
    }

    /** Removes the entry only if it is still {@code current}. */
    boolean remove(OriginEntry current) {
        return map.remove(current.stream(), stored(current));
    }

    private String stored(OriginEntry entry) {
        String text = readAs.get(entry);
        return text != null ? text : text(entry);
    }

    private String text(OriginEntry entry) {
        try {
            return json.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("origin entry not serializable", e);
        }
    }
}
