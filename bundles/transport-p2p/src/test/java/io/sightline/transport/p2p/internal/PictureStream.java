package io.sightline.transport.p2p.internal;

import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test stream that paints moving gray-level I420 pictures at a fixed rate on one thread per subscriber, or, when
 * built silent, delivers nothing (a passthrough or dead source).
 */
final class PictureStream implements Stream {
    private final String name;
    private final int width;
    private final int height;
    private final int fps;
    private final StreamState state;
    private final boolean pictures;
    final AtomicInteger openSubscriptions = new AtomicInteger();

    PictureStream(String name, int width, int height, int fps) {
        this(name, width, height, fps, StreamState.LIVE, true);
    }

    PictureStream(String name, int width, int height, int fps, StreamState state, boolean pictures) {
        this.name = name;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.state = state;
        this.pictures = pictures;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String sourceType() {
        return "test";
    }

    @Override
    public String transportMode() {
        return "p2p";
    }

    @Override
    public StreamStatus status() {
        return new StreamStatus(state, "", 0);
    }

    @Override
    public List<Track> tracks() {
        return List.of();
    }

    @Override
    public StreamStats stats() {
        return StreamStats.EMPTY;
    }

    @Override
    public int viewerCount() {
        return 0;
    }

    @Override
    public Map<String, Object> properties() {
        return Map.of();
    }

    @Override
    public Subscription subscribe(MediaSubscriber subscriber, SubscribeOptions options) {
        openSubscriptions.incrementAndGet();
        Thread painter = new Thread(() -> paint(subscriber), "pictures-" + name);
        painter.setDaemon(true);
        if (pictures && options.rawVideo()) {
            painter.start();
        }
        return new Subscription() {
            private boolean closed;

            @Override
            public long droppedUnits() {
                return 0;
            }

            @Override
            public long deliveredUnits() {
                return 0;
            }

            @Override
            public void requestKeyframe() {
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    openSubscriptions.decrementAndGet();
                    painter.interrupt();
                }
            }
        };
    }

    private void paint(MediaSubscriber subscriber) {
        long period = 1_000_000_000L / fps;
        for (int n = 0; !Thread.currentThread().isInterrupted(); n++) {
            byte[] data = new byte[RawVideoFrame.i420Size(width, height)];
            java.util.Arrays.fill(data, 0, width * height, (byte) (n * 4));
            java.util.Arrays.fill(data, width * height, data.length, (byte) 128);
            subscriber.onRawVideo(new RawVideoFrame(width, height, data, n * period / 1000, System.currentTimeMillis()));
            try {
                Thread.sleep(period / 1_000_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void requestKeyframe() {
    }
}
