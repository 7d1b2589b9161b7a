package io.sightline.source.ffmpeg.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** The core's side of a source, for tests: a fixed configuration and a sink that records what it is given. */
final class RecordingContext implements SourceContext, MediaSink {
    final List<EncodedUnit> video = new CopyOnWriteArrayList<>();
    /** {@link System#nanoTime()} when each unit of {@link #video} was pushed. */
    final List<Long> videoPushNanos = new CopyOnWriteArrayList<>();
    final List<EncodedUnit> audio = new CopyOnWriteArrayList<>();
    final List<RawVideoFrame> frames = new CopyOnWriteArrayList<>();
    final List<List<Track>> announced = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    /** The threads that called the sink: once they have all ended, nothing more can arrive. */
    final List<Thread> callers = new CopyOnWriteArrayList<>();
    volatile long failedAtNanos;
    private final Map<String, Object> config;

    RecordingContext(Map<String, Object> config) {
        this.config = config;
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
        called();
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
        called();
        frames.add(frame);
    }

    @Override
    public void waiting(io.sightline.api.stream.StreamState state, String detail) {
        throw new AssertionError("this source never waits for its input: " + state + " " + detail);
    }

    @Override
    public void failed(String reason, Throwable cause) {
        called();
        failedAtNanos = System.nanoTime();
        failures.add(reason);
    }

    /** Whether every thread that called the sink has ended. */
    boolean callersEnded() {
        return callers.stream().noneMatch(Thread::isAlive);
    }

    private void called() {
        if (!callers.contains(Thread.currentThread())) {
            callers.add(Thread.currentThread());
        }
    }

    /** Waits until the condition holds; false on timeout. */
    static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
