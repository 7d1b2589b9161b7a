package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.SourceContext;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FFmpeg-backed input of a stream. {@link #start()} opens the input on the caller's thread (bounded by the open
 * timeout) and hands it to a {@link SourceReader} thread, which pushes media until the input ends or fails and then
 * reports {@code failed} to the stream (the stream retries with backoff; the source never retries by itself).
 * {@link #stop()} cancels the reader's blocking calls through the interrupt callback and waits briefly for it.
 */
final class FfmpegSource implements CaptureSource {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegSource.class);
    private static final long STOP_WAIT_MS = 2000;

    private final SourceContext context;
    private final SourceSettings settings;
    private final Object lock = new Object();
    private SourceReader reader;
    private Thread thread;

    FfmpegSource(SourceContext context, SourceSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public void start() throws IOException {
        synchronized (lock) {
            if (thread != null) {
                return;
            }
            long t0 = System.nanoTime();
            SourceReader r = SourceReader.open(context, settings);
            Thread t = new Thread(r, "sightline-ffmpeg-" + context.streamName());
            t.setDaemon(true);
            reader = r;
            thread = t;
            t.start();
            LOG.info("Stream '{}': opened {} in {} ms", context.streamName(), settings.safeUrl(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    @Override
    public void stop() {
        SourceReader r;
        Thread t;
        synchronized (lock) {
            r = reader;
            t = thread;
            reader = null;
            thread = null;
        }
        if (r == null) {
            return;
        }
        r.cancel();
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(STOP_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("Stream '{}': FFmpeg reader did not stop within {} ms; it exits when its current call returns",
                    context.streamName(), STOP_WAIT_MS);
        }
    }
}
