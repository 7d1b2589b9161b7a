package io.sightline.source.testpattern.internal;

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
 * One running test pattern: a pacing thread that paints and pushes a raw picture at every frame deadline.
 *
 * <p>Pacing: frame {@code n} of a run is due at {@code start + n / fps}, computed from the run's start rather than
 * from the previous frame, so the rate never drifts. When the thread falls more than two frames behind (a long GC
 * pause, a suspended machine) it skips to the current slot instead of bursting to catch up.
 *
 * <p>Buffers: every frame gets a freshly allocated buffer (a copy of the renderer's static background). A ring of
 * reused buffers would not be safe: a raw-video subscriber chooses its own queue capacity
 * ({@code SubscribeOptions.queueCapacity}, 4 for {@code RAW} plus the picture in delivery) and may keep a picture
 * after its callback returns, so no fixed ring size can guarantee a buffer is no longer read when it is overwritten.
 * The copy is cheap (measured in {@code PatternRendererTest}).
 */
final class TestPatternSource implements CaptureSource {
    private static final Logger LOG = LoggerFactory.getLogger(TestPatternSource.class);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long STOP_WAIT_MS = 1000;

    private final SourceContext context;
    private final TestPatternSettings settings;
    private final Object lock = new Object();
    /** The current pacing thread; a thread whose identity no longer matches exits. */
    private volatile Thread pacer;
    /** Origin of the media clock (pts), fixed at the first start so pts keeps rising across restarts. */
    private long epochNanos = Long.MIN_VALUE;
    private volatile long frameCount;

    TestPatternSource(SourceContext context, TestPatternSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (pacer != null) {
                return;
            }
            // A renderer per run: a previous thread that outlived stop()'s wait may still be painting with its own.
            PatternRenderer painter = new PatternRenderer(settings.width(), settings.height(), settings.fps(),
                    context.streamName());
            long now = System.nanoTime();
            if (epochNanos == Long.MIN_VALUE) {
                epochNanos = now;
            }
            Thread thread = new Thread(() -> run(painter, now), "sightline-testpattern-" + context.streamName());
            thread.setDaemon(true);
            pacer = thread;
            thread.start();
        }
        LOG.debug("Test pattern for '{}' started: {}x{} at {} fps", context.streamName(), settings.width(),
                settings.height(), settings.fps());
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
        // No interrupt: the thread may be inside the stream's encoder, which should not see one. It notices the
        // cleared field at its next deadline, at most one frame period away.
        LockSupport.unpark(thread);
        try {
            thread.join(STOP_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Test pattern thread of '{}' did not stop within {} ms", context.streamName(), STOP_WAIT_MS);
        }
    }

    /** Pictures pushed so far by this source (all runs). */
    long frameCount() {
        return frameCount;
    }

    private void run(PatternRenderer painter, long startNanos) {
        Thread self = Thread.currentThread();
        MediaSink sink = context.sink();
        int fps = settings.fps();
        long n = 0;
        try {
            // Raw pictures only, so no tracks of our own; announcing none clears those of a previous source type.
            sink.tracks(List.of());
            while (pacer == self) {
                long due = startNanos + n * NANOS_PER_SECOND / fps;
                long late = System.nanoTime() - due;
                if (late < 0) {
                    LockSupport.parkNanos(this, -late);
                    continue; // re-check the stop flag and the clock: parking may end early
                }
                if (late > 2 * NANOS_PER_SECOND / fps) {
                    n = (System.nanoTime() - startNanos) * fps / NANOS_PER_SECOND;
                    continue;
                }
                long captureMillis = System.currentTimeMillis();
                byte[] picture = painter.render(frameCount, captureMillis);
                sink.push(new RawVideoFrame(painter.width(), painter.height(), picture,
                        TimeUnit.NANOSECONDS.toMicros(due - epochNanos), captureMillis, fps));
                frameCount++;
                n++;
            }
        } catch (RuntimeException e) {
            if (pacer == self) {
                sink.failed("test pattern failed: " + e, e);
            }
        }
    }
}
