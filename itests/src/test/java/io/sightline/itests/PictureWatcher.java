package io.sightline.itests;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Subscribes to a stream's raw pictures and waits for one of a given size: proof that a configuration change reached
 * the capture source, not just the stream's bookkeeping.
 */
final class PictureWatcher implements MediaSubscriber {
    private final int width;
    private final int height;
    private final CountDownLatch seen = new CountDownLatch(1);
    private volatile String lastSize = "none";

    private PictureWatcher(int width, int height) {
        this.width = width;
        this.height = height;
    }

    /** Fails unless {@code stream} delivers a {@code width x height} picture within {@code timeout}. */
    static void awaitPicture(Stream stream, int width, int height, Duration timeout) throws InterruptedException {
        PictureWatcher watcher = new PictureWatcher(width, height);
        try (Subscription subscription = stream.subscribe(watcher, SubscribeOptions.RAW)) {
            if (!watcher.seen.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("stream '" + stream.name() + "' delivered no " + width + "x" + height
                        + " picture in " + timeout.toSeconds() + " s; last picture: " + watcher.lastSize
                        + ", delivered " + subscription.deliveredUnits());
            }
        }
    }

    @Override
    public void onRawVideo(RawVideoFrame frame) {
        lastSize = frame.width() + "x" + frame.height();
        if (frame.width() == width && frame.height() == height) {
            seen.countDown();
        }
    }

    @Override
    public void onMedia(EncodedUnit unit) {
        // Raw pictures only: the distribution has no encoder installed by default.
    }
}
