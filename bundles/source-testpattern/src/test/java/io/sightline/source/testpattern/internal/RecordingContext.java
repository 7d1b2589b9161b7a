package io.sightline.source.testpattern.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** The core's side of a source, for tests: a fixed configuration and a sink that records what it is given. */
final class RecordingContext implements SourceContext, MediaSink {
    final List<RawVideoFrame> frames = new CopyOnWriteArrayList<>();
    final List<List<Track>> announced = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Thread> pushThreads = new CopyOnWriteArrayList<>();
    private final String name;
    private final Map<String, Object> config;

    RecordingContext(String name, Map<String, Object> config) {
        this.name = name;
        this.config = config;
    }

    @Override
    public String streamName() {
        return name;
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
        throw new AssertionError("a test pattern pushes raw pictures only");
    }

    @Override
    public void push(RawVideoFrame frame) {
        if (!pushThreads.contains(Thread.currentThread())) {
            pushThreads.add(Thread.currentThread());
        }
        frames.add(frame);
    }

    @Override
    public void failed(String reason, Throwable cause) {
        failures.add(reason);
    }
}
