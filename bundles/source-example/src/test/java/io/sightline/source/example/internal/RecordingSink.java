package io.sightline.source.example.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The core's side of a source, for tests: a fixed stream configuration and a sink that records what the source
 * gives it, with the time and thread of each call. Copy it for your own plugin's tests.
 */
final class RecordingSink implements SourceContext, MediaSink {
    final List<RawVideoFrame> frames = new CopyOnWriteArrayList<>();
    final List<Long> arrivalNanos = new CopyOnWriteArrayList<>();
    final List<List<Track>> announced = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Thread> callingThreads = new CopyOnWriteArrayList<>();
    private final CountDownLatch failed = new CountDownLatch(1);
    private final Semaphore pushed = new Semaphore(0);
    private final Map<String, Object> config;

    RecordingSink(Map<String, Object> config) {
        this.config = config;
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

    boolean awaitFailure(long millis) throws InterruptedException {
        return failed.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public String streamName() {
        return "test";
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
        called();
        announced.add(tracks);
    }

    @Override
    public void push(EncodedUnit unit) {
        throw new AssertionError("the gradient source pushes raw pictures only, got " + unit);
    }

    @Override
    public void push(RawVideoFrame frame) {
        called();
        arrivalNanos.add(System.nanoTime());
        frames.add(frame);
        pushed.release();
    }

    @Override
    public void waiting(io.sightline.api.stream.StreamState state, String detail) {
        throw new AssertionError("this source never waits for its input: " + state + " " + detail);
    }

    @Override
    public void failed(String reason, Throwable cause) {
        called();
        failures.add(reason);
        failed.countDown();
    }

    private void called() {
        if (!callingThreads.contains(Thread.currentThread())) {
            callingThreads.add(Thread.currentThread());
        }
    }
}
