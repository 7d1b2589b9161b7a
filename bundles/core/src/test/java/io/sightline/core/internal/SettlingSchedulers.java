package io.sightline.core.internal;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The hub's real per-stream schedulers, remembered by stream name so that a test can wait until a stream's
 * supervisor has run everything queued so far ({@link #settle(String)}) before it asserts that something did NOT
 * happen: a deterministic point to look at, instead of sleeping and hoping the work would have shown by then.
 * Streams named in {@link #manual} run on a {@link ManualScheduler} instead, for timers the test drives itself.
 */
final class SettlingSchedulers implements Function<String, StreamScheduler> {
    private final Map<String, StreamScheduler> byStream = new ConcurrentHashMap<>();
    private final Map<String, ManualScheduler> manual = new ConcurrentHashMap<>();

    /** The stream {@code name}, once defined, runs on a scheduler this test advances by hand. */
    ManualScheduler manual(String name) {
        return manual.computeIfAbsent(name, n -> new ManualScheduler(System.currentTimeMillis()));
    }

    @Override
    public StreamScheduler apply(String name) {
        StreamScheduler s = manual.containsKey(name) ? manual.get(name) : new ThreadScheduler(name, Clock.systemUTC());
        byStream.put(name, s);
        return s;
    }

    /**
     * Returns once the stream's supervisor has run the tasks queued before this call and the tasks those queued
     * (two rounds through its queue).
     */
    void settle(String name) throws InterruptedException {
        StreamScheduler s = byStream.get(name);
        if (s instanceof ManualScheduler m) {
            m.runPending();
            return;
        }
        for (int round = 0; round < 2; round++) {
            CountDownLatch done = new CountDownLatch(1);
            s.execute(done::countDown);
            if (!done.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("stream '" + name + "' did not settle within 5 s");
            }
        }
    }
}
