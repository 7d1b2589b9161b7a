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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** The core's side of a source, for tests: a fixed configuration and a sink that records what it is given. */
final class RecordingContext implements SourceContext, MediaSink {
    final List<RawVideoFrame> frames = new CopyOnWriteArrayList<>();
    final List<List<Track>> announced = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Thread> pushThreads = new CopyOnWriteArrayList<>();
    private final Semaphore pushed = new Semaphore(0);
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
        pushed.release();
    }

    /** Waits until {@code total} pictures arrived in all (a generous bound: a slow machine only makes it wait). */
    void awaitFrames(int total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (frames.size() < total) {
            if (!pushed.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("fewer than " + total + " pictures within 10 s; got " + frames.size());
            }
        }
    }

    @Override
    public void waiting(io.sightline.api.stream.StreamState state, String detail) {
        throw new AssertionError("this source never waits for its input: " + state + " " + detail);
    }

    @Override
    public void failed(String reason, Throwable cause) {
        failures.add(reason);
    }
}
