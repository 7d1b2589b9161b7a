package io.sightline.source.example.internal;

import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's gradient: a thread of its own that paints and pushes a raw picture at every frame deadline.
 *
 * <p>What it shows about the contract:
 * <ul>
 * <li>{@link #start()} only starts the thread and returns; {@link #stop()} ends it at once and may be called any
 *     number of times. {@code start()} after {@code stop()} works too: the SPI lets the core restart an instance
 *     (today's core creates a fresh one for every start, which this class supports as well).</li>
 * <li>Raw pictures: the source announces no tracks of its own ({@code tracks(List.of())}) and the stream encodes the
 *     pictures with its configured codec. For the same reason it does not override {@code requestKeyframe()}: the
 *     stream forces the keyframe in its own encoder. A source that pushes encoded units must forward the request.</li>
 * <li>Failure: the thread reports {@link MediaSink#failed} once and returns; it never retries by itself.</li>
 * <li>Time: pts is on a monotonic clock fixed at this instance's first start, so it keeps rising when the instance
 *     is restarted; frame {@code n} of a run is due at {@code runStart + n / fps}, so the rate does not drift.</li>
 * </ul>
 */
final class GradientSource implements CaptureSource {
    private static final Logger LOG = LoggerFactory.getLogger(GradientSource.class);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long STOP_WAIT_MS = 1000;

    private final SourceContext context;
    private final GradientSettings settings;
    private final GradientPainter painter;
    private final Object lock = new Object();
    /** The running thread; a thread that finds another value here (or null) exits. */
    private volatile Thread pacer;
    private long epochNanos = Long.MIN_VALUE;
    private volatile long frameCount;

    GradientSource(SourceContext context, GradientSettings settings) {
        this.context = context;
        this.settings = settings;
        this.painter = new GradientPainter(settings.width(), settings.height(), settings.fps());
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (pacer != null) {
                return;
            }
            long now = System.nanoTime();
            if (epochNanos == Long.MIN_VALUE) {
                epochNanos = now;
            }
            Thread thread = new Thread(() -> run(now), "sightline-gradient-" + context.streamName());
            thread.setDaemon(true);
            pacer = thread;
            thread.start();
        }
        LOG.debug("Gradient for '{}' started: {}", context.streamName(), settings);
    }

    @Override
    public void stop() {
        Thread thread;
        synchronized (lock) {
            thread = pacer;
            pacer = null;
        }
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        // No interrupt: the thread may be inside the stream's encoder, which should not see one. Unparking wakes it
        // from its wait; it sees the cleared field and returns.
        LockSupport.unpark(thread);
        try {
            thread.join(STOP_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    GradientSettings settings() {
        return settings;
    }

    /** Pictures pushed by this source over all its runs. */
    long frameCount() {
        return frameCount;
    }

    private void run(long startNanos) {
        Thread self = Thread.currentThread();
        MediaSink sink = context.sink();
        int fps = settings.fps();
        long slot = 0;
        long pushedThisRun = 0;
        try {
            sink.tracks(List.of());
            while (pacer == self) {
                long due = startNanos + slot * NANOS_PER_SECOND / fps;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                    continue; // parking may end early (unpark from stop(), spurious): check the flag and clock again
                }
                if (-wait > 2 * NANOS_PER_SECOND / fps) {
                    // Far behind (GC pause, suspended VM): skip to the current slot rather than burst.
                    slot = (System.nanoTime() - startNanos) * fps / NANOS_PER_SECOND;
                    continue;
                }
                if (settings.failAfterFrames() > 0 && pushedThisRun == settings.failAfterFrames()) {
                    fail(self, sink, "simulated failure after " + pushedThisRun + " frames ("
                            + GradientSettings.FAIL_AFTER_FRAMES + ")", null);
                    return;
                }
                long captureMillis = System.currentTimeMillis();
                sink.push(new RawVideoFrame(settings.width(), settings.height(), painter.paint(frameCount),
                        TimeUnit.NANOSECONDS.toMicros(due - epochNanos), captureMillis, settings.fps()));
                frameCount++;
                pushedThisRun++;
                slot++;
            }
        } catch (RuntimeException e) {
            fail(self, sink, "gradient source failed: " + e, e);
        }
    }

    /** Reports a failure of this run, unless stop() already ended it (then nobody is waiting for the report). */
    private void fail(Thread self, MediaSink sink, String reason, Throwable cause) {
        synchronized (lock) {
            if (pacer != self) {
                return;
            }
            pacer = null;
        }
        sink.failed(reason, cause);
    }
}
