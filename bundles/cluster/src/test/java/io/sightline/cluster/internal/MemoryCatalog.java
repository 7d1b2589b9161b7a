package io.sightline.cluster.internal;

import io.sightline.api.control.Actor;
import io.sightline.api.control.AuditEntry;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.Setting;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The catalog's contract for stored streams, in memory (the core's file writer is covered by its own tests and by
 * the e2e tests). {@code onChange} plays the core's part: it sees each stream's new properties, null on removal.
 */
final class MemoryCatalog implements StreamCatalog {
    private final Map<String, Map<String, String>> files = new ConcurrentHashMap<>();
    private final BiConsumer<String, Map<String, String>> onChange;
    final AtomicInteger creates = new AtomicInteger();
    final AtomicInteger edits = new AtomicInteger();
    final AtomicInteger replaces = new AtomicInteger();
    volatile Actor lastActor;

    MemoryCatalog() {
        this((name, properties) -> { });
    }

    MemoryCatalog(BiConsumer<String, Map<String, String>> onChange) {
        this.onChange = onChange;
    }

    @Override
    public Optional<StreamConfig> get(String name) {
        return Optional.ofNullable(files.get(name)).map(p -> new StreamConfig(name, p, "v" + p.hashCode()));
    }

    @Override
    public List<String> names() {
        return files.keySet().stream().sorted().toList();
    }

    @Override
    public StreamConfig create(String name, Map<String, String> properties, Actor actor) {
        if (files.putIfAbsent(name, new TreeMap<>(properties)) != null) {
            throw new ChangeRefused(ChangeRefused.Reason.EXISTS, "name", name + " exists");
        }
        creates.incrementAndGet();
        lastActor = actor;
        onChange.accept(name, properties);
        return get(name).orElseThrow();
    }

    @Override
    public void remove(String name, String version, Actor actor) {
        files.remove(name);
        lastActor = actor;
        onChange.accept(name, null);
    }

    @Override
    public StreamConfig replace(String name, Map<String, String> properties, String version, Actor actor) {
        files.put(name, new TreeMap<>(properties));
        replaces.incrementAndGet();
        lastActor = actor;
        onChange.accept(name, properties);
        return get(name).orElseThrow();
    }

    @Override
    public StreamConfig edit(String name, Map<String, String> set, Set<String> unset, String version, Actor actor) {
        Map<String, String> updated = files.computeIfPresent(name, (n, old) -> {
            Map<String, String> p = new TreeMap<>(old);
            p.putAll(set);
            unset.forEach(p::remove);
            return p;
        });
        if (updated == null) {
            throw new ChangeRefused(ChangeRefused.Reason.NO_SUCH_STREAM, "name", name + " is not defined");
        }
        edits.incrementAndGet();
        lastActor = actor;
        onChange.accept(name, updated);
        return get(name).orElseThrow();
    }

    @Override
    public StreamConfig stop(String name, String version, Actor actor) {
        throw new UnsupportedOperationException();
    }

    @Override
    public StreamConfig start(String name, String version, Actor actor) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Setting> settings(String sourceType) {
        return List.of();
    }

    @Override
    public List<String> sourceTypes() {
        return List.of();
    }

    @Override
    public void audit(Actor actor, String action, String target) {
    }

    @Override
    public List<AuditEntry> auditTrail() {
        return List.of();
    }
}
