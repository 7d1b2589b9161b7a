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
    private final InstalledDecoders decoders;
    private final Object lock = new Object();
    private Runnable cancel;
    private Thread thread;
    /**
     * Set when the camera's session or the feed needs FFmpeg (B-frames, another codec): later starts skip the native
     * RTSP client or MPEG-TS reader.
     */
    private volatile boolean ffmpegOnly;

    FfmpegSource(SourceContext context, SourceSettings settings, InstalledDecoders decoders) {
        this.context = context;
        this.settings = settings;
        this.decoders = decoders;
    }

    @Override
    public void start() throws IOException {
        synchronized (lock) {
            if (thread != null) {
                return;
            }
            long t0 = System.nanoTime();
            Runnable r = openReader();
            Thread t = new Thread(r, "sightline-ffmpeg-" + context.streamName());
            t.setDaemon(true);
            thread = t;
            t.start();
            LOG.info("Stream '{}': opened {} in {} ms", context.streamName(), settings.safeUrl(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** The native RTSP client or MPEG-TS reader where it can carry the input, FFmpeg otherwise. */
    private Runnable openReader() throws IOException {
        if (settings.nativeRtsp() && !ffmpegOnly) {
            try {
                NativeRtspReader n = NativeRtspReader.open(context, settings);
                cancel = n::cancel;
                return () -> {
                    n.run();
                    if (n.needsFfmpeg()) {
                        ffmpegOnly = true;
                    }
                };
            } catch (RtspSession.Unsupported e) {
                ffmpegOnly = true;
                LOG.info("Stream '{}': {} is read through FFmpeg: {}", context.streamName(), settings.safeUrl(),
                        e.getMessage());
            }
        }
        if (settings.nativeTs() && !ffmpegOnly) {
            try {
                NativeTsReader n = NativeTsReader.open(context, settings);
                cancel = n::cancel;
                return () -> {
                    n.run();
                    if (n.needsFfmpeg()) {
                        ffmpegOnly = true;
                    }
                };
            } catch (NativeTsReader.Unsupported e) {
                ffmpegOnly = true;
                LOG.info("Stream '{}': {} is read through FFmpeg: {}", context.streamName(), settings.safeUrl(),
                        e.getMessage());
                if (e.input() != null) {
                    // Already open and rewound: FFmpeg's demuxer starts from its first byte (a one-client server
                    // such as ffmpeg -listen 1 would not take a second connection).
                    SourceReader r = SourceReader.open(context, settings, decoders, e.deadline(), e.input());
                    cancel = r::cancel;
                    return r;
                }
            }
        }
        SourceReader r = SourceReader.open(context, settings, decoders);
        cancel = r::cancel;
        return r;
    }

    @Override
    public void stop() {
        Runnable r;
        Thread t;
        synchronized (lock) {
            r = cancel;
            t = thread;
            cancel = null;
            thread = null;
        }
        if (r == null) {
            return;
        }
        r.run();
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
