package io.sightline.source.whep.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** The core's side of a source, for tests: a fixed configuration and a sink that records what it is given. */
final class RecordingContext implements SourceContext, MediaSink {
    final List<EncodedUnit> units = new CopyOnWriteArrayList<>();
    final List<List<Track>> announced = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, Object> config;

    RecordingContext(Map<String, Object> config) {
        this.config = config;
    }

    @Override
    public String streamName() {
        return "relay";
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public MediaSink sink() {
        return this;
    }

    @Override
    public Path dataDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    public void tracks(List<Track> tracks) {
        announced.add(tracks);
    }

    @Override
    public void push(EncodedUnit unit) {
        units.add(unit);
    }

    @Override
    public void push(RawVideoFrame frame) {
        throw new AssertionError("a WHEP pull never pushes pictures");
    }

    @Override
    public void failed(String reason, Throwable cause) {
        failures.add(reason);
    }

    @Override
    public void waiting(StreamState state, String detail) {
        throw new AssertionError("a WHEP pull opens its input itself");
    }
}
