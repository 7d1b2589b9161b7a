package io.sightline.core.internal;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A {@link StreamScheduler} driven by the test: the "supervisor thread" is the test's own thread, tasks run when the
 * test calls {@link #runPending()} or {@link #advance(long)}, and time moves only by {@link #advance(long)}. So
 * backoff, watchdog and on-demand close are tested to the millisecond without sleeping. Other threads (a source's
 * own thread reporting its first unit) may queue tasks; they run when the test next pumps.
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
    public synchronized long millis() {
        return now;
    }

    @Override
    public synchronized void execute(Runnable task) {
        if (!shutdown) {
            queue.add(task);
        }
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMs) {
        if (shutdown) {
            return () -> { };
        }
        Timer t = new Timer(now + delayMs, seq++, task);
        timers.add(t);
        return () -> {
            synchronized (this) {
                timers.remove(t);
            }
        };
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        timers.clear();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    /** Runs the queued tasks, and the tasks they queue, until none is left. */
    void runPending() {
        for (Runnable r = next(); r != null; r = next()) {
            r.run();
        }
    }

    private synchronized Runnable next() {
        return queue.poll();
    }

    private synchronized Timer nextTimerDueBy(long target) {
        Timer t = timers.peek();
        if (t == null || t.due() > target) {
            return null;
        }
        timers.poll();
        now = t.due();
        return t;
    }

    /** Moves time forward, firing each timer at its due time (in order) and running what it queues. */
    void advance(long ms) {
        long target = millis() + ms;
        runPending();
        for (Timer t = nextTimerDueBy(target); t != null; t = nextTimerDueBy(target)) {
            t.task().run();
            runPending();
        }
        synchronized (this) {
            now = target;
        }
        runPending();
    }

    /** Timers waiting, for assertions that nothing is pending. */
    synchronized int timers() {
        return timers.size();
    }
}
