package io.sightline.core.internal;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A {@link StreamScheduler} driven by the test: the "supervisor thread" is the test's own thread, tasks run when the
 * test calls {@link #runPending()} or {@link #advance(long)}, and time moves only by {@link #advance(long)}. So
 * backoff, watchdog and on-demand close are tested to the millisecond without sleeping.
 */
final class ManualScheduler implements StreamScheduler {
    private record Timer(long due, long seq, Runnable task) {
    }

    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::due).thenComparingLong(Timer::seq));
    private long now;
    private long seq;
    private boolean shutdown;

    ManualScheduler(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public long millis() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        if (!shutdown) {
            queue.add(task);
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMs) {
        if (shutdown) {
            return () -> { };
        }
        Timer t = new Timer(now + delayMs, seq++, task);
        timers.add(t);
        return () -> timers.remove(t);
    }

    @Override
    public void shutdown() {
        shutdown = true;
        timers.clear();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    /** Runs the queued tasks, and the tasks they queue, until none is left. */
    void runPending() {
        for (Runnable r = queue.poll(); r != null; r = queue.poll()) {
            r.run();
        }
    }

    /** Moves time forward, firing each timer at its due time (in order) and running what it queues. */
    void advance(long ms) {
        long target = now + ms;
        runPending();
        for (Timer t = timers.peek(); t != null && t.due() <= target; t = timers.peek()) {
            timers.poll();
            now = t.due();
            t.task().run();
            runPending();
        }
        now = target;
        runPending();
    }

    /** Timers waiting, for assertions that nothing is pending. */
    int timers() {
        return timers.size();
    }
}
