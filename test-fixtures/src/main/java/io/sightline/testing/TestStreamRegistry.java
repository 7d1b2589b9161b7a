package io.sightline.testing;

import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamListener;
import io.sightline.api.stream.StreamRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link StreamRegistry} over streams the test adds and removes, sorted by name like the core's. Watchers hear of
 * the streams already there when they start watching and of every later {@link #add} and {@link #remove}.
 */
public final class TestStreamRegistry implements StreamRegistry {
    private final Map<String, Stream> byName = new ConcurrentSkipListMap<>();
    private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();

    public TestStreamRegistry(Stream... streams) {
        for (Stream s : streams) {
            byName.put(s.name(), s);
        }
    }

    public TestStreamRegistry add(Stream s) {
        byName.put(s.name(), s);
        listeners.forEach(l -> l.streamAdded(s));
        return this;
    }

    public void remove(String name) {
        Stream s = byName.remove(name);
        if (s != null) {
            listeners.forEach(l -> l.streamRemoved(s));
        }
    }

    @Override
    public Optional<Stream> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    @Override
    public List<Stream> streams() {
        return List.copyOf(byName.values());
    }

    @Override
    public AutoCloseable watch(StreamListener listener) {
        listeners.add(listener);
        byName.values().forEach(listener::streamAdded);
        return () -> listeners.remove(listener);
    }
}
