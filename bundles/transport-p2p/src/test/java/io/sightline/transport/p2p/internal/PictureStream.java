package io.sightline.transport.p2p.internal;

import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.StreamState;
import io.sightline.testing.TestStream;
import java.util.Arrays;

/**
 * Streams for the P2P tests, on the shared {@link TestStream}: one that paints moving gray-level I420 pictures at a
 * fixed rate on one thread per raw-picture subscriber, or a silent one (a passthrough or dead source).
 */
final class PictureStream {
    private PictureStream() {
    }

    static TestStream painting(String name, int width, int height, int fps) {
        return new TestStream(name).transportMode("p2p").onSubscribe((subscriber, options) -> {
            if (!options.rawVideo()) {
                return () -> { };
            }
            Thread painter = new Thread(() -> paint(subscriber, width, height, fps), "pictures-" + name);
            painter.setDaemon(true);
            painter.start();
            return painter::interrupt;
        });
    }

    static TestStream silent(String name, StreamState state) {
        return new TestStream(name).transportMode("p2p").status(state);
    }

    private static void paint(MediaSubscriber subscriber, int width, int height, int fps) {
        long period = 1_000_000_000L / fps;
        for (int n = 0; !Thread.currentThread().isInterrupted(); n++) {
            byte[] data = new byte[RawVideoFrame.i420Size(width, height)];
            Arrays.fill(data, 0, width * height, (byte) (n * 4));
            Arrays.fill(data, width * height, data.length, (byte) 128);
            subscriber.onRawVideo(new RawVideoFrame(width, height, data, n * period / 1000, System.currentTimeMillis()));
            try {
                Thread.sleep(period / 1_000_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
