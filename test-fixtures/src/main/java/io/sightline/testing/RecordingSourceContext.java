package io.sightline.testing;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The core's side of a capture source, for a plugin's unit tests: a fixed configuration and a sink that records what
 * the source gives it, with the thread that gave it. The one contract it enforces on the spot is the sink's: a unit of
 * a track that was not announced is an {@link AssertionError}.
 */
public final class RecordingSourceContext implements SourceContext, MediaSink {
    public final List<EncodedUnit> video = new CopyOnWriteArrayList<>();
    /** {@link System#nanoTime()} when each unit of {@link #video} was pushed. */
    public final List<Long> videoPushNanos = new CopyOnWriteArrayList<>();
    public final List<EncodedUnit> audio = new CopyOnWriteArrayList<>();
    public final List<RawVideoFrame> frames = new CopyOnWriteArrayList<>();
    public final List<List<Track>> announced = new CopyOnWriteArrayList<>();
    public final List<String> failures = new CopyOnWriteArrayList<>();
    /** "state: detail" of each {@link #waiting} call (sources that wait for their input: publishers). */
    public final List<String> waits = new CopyOnWriteArrayList<>();
    /** The threads that pushed media (units or pictures). */
    public final List<Thread> pushThreads = new CopyOnWriteArrayList<>();
    /** The threads that called the sink at all: once they have all ended, nothing more can arrive. */
    public final List<Thread> callers = new CopyOnWriteArrayList<>();
    public volatile long failedAtNanos;
    private final Semaphore pictures = new Semaphore(0);
    private final String streamName;
    private final Map<String, Object> config;

    /** A context of the stream {@code test}. */
    public RecordingSourceContext(Map<String, Object> config) {
        this("test", config);
    }

    public RecordingSourceContext(String streamName, Map<String, Object> config) {
        this.streamName = streamName;
        this.config = config;
    }

    @Override
    public String streamName() {
        return streamName;
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
        pushed();
        if (announced.isEmpty() || announced.get(announced.size() - 1).stream().noneMatch(t -> t.id() == unit.trackId())) {
            throw new AssertionError("unit of an unannounced track: " + unit);
        }
        if (unit.codec().kind() == MediaKind.VIDEO) {
            videoPushNanos.add(System.nanoTime());
            video.add(unit);
        } else {
            audio.add(unit);
        }
    }

    @Override
    public void push(RawVideoFrame frame) {
        pushed();
        frames.add(frame);
        pictures.release();
    }

    @Override
    public void waiting(StreamState state, String detail) {
        called();
        waits.add(state + ": " + detail);
    }

    @Override
    public void failed(String reason, Throwable cause) {
        called();
        failedAtNanos = System.nanoTime();
        failures.add(reason);
    }

    /** Whether every thread that called the sink has ended. */
    public boolean callersEnded() {
        return callers.stream().noneMatch(Thread::isAlive);
    }

    /** Waits until {@code total} pictures arrived in all (a generous bound: a slow machine only makes it wait). */
    public void awaitFrames(int total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (frames.size() < total) {
            if (!pictures.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("fewer than " + total + " pictures within 10 s; got " + frames.size());
            }
        }
    }

    /** Waits until the condition holds; false on timeout. */
    public static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private void pushed() {
        called();
        if (!pushThreads.contains(Thread.currentThread())) {
            pushThreads.add(Thread.currentThread());
        }
    }

    private void called() {
        if (!callers.contains(Thread.currentThread())) {
            callers.add(Thread.currentThread());
        }
    }
}
