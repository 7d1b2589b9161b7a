package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's bounded queue and delivery thread. The stream offers media without ever blocking; when the queue
 * is full the unit is dropped and counted, and video resumes at the next keyframe so the subscriber's decoder never
 * sees a broken reference chain.
 */
final class SubscriberQueue implements Subscription, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriberQueue.class);
    /** Room kept for control messages (tracks, status) so they are never dropped. */
    private static final int CONTROL_HEADROOM = 16;
    private static final Object CLOSE = new Object();

    private final String streamName;
    private final Owner stream;
    private final MediaSubscriber subscriber;
    private final SubscribeOptions options;
    private final BlockingQueue<Object> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread thread;
    /** False for a rendition's feed: it takes pictures and audio, and encodes the video itself. */
    private final boolean encodedVideo;
    /** The most pictures waiting at once; a rendition's feed also queues audio, which must not crowd them out. */
    private final int pictureCapacity;
    private final java.util.concurrent.atomic.AtomicInteger pendingPictures = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int viewers;
    private volatile boolean closed;
    /** Touched only by the producer, under the stream's fan-out lock. */
    private boolean waitingForKeyframe;

    /** What a queue needs from its stream. */
    interface Owner {
        void unsubscribe(SubscriberQueue queue);

        void requestKeyframe();
    }

    SubscriberQueue(String streamName, Owner stream, MediaSubscriber subscriber, SubscribeOptions options,
            int number) {
        this(streamName, stream, subscriber, options, number, true, options.queueCapacity());
    }

    /**
     * @param encodedVideo    false: encoded units of video tracks are not delivered (a rendition's feed)
     * @param pictureCapacity the most raw pictures queued at once
     */
    SubscriberQueue(String streamName, Owner stream, MediaSubscriber subscriber, SubscribeOptions options,
            int number, boolean encodedVideo, int pictureCapacity) {
        this.encodedVideo = encodedVideo;
        this.pictureCapacity = pictureCapacity;
        this.streamName = streamName;
        this.stream = stream;
        this.subscriber = subscriber;
        this.options = options;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity() + CONTROL_HEADROOM);
        this.thread = new Thread(this, "sightline-sub-" + streamName + "-" + number);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    SubscribeOptions options() {
        return options;
    }

    /** Whether this queue takes encoded video (a rendition's feed does not: it encodes its own). */
    boolean wantsEncodedVideo() {
        return options.encoded() && encodedVideo;
    }

    /** The viewers a transport serves from this subscription, as it last said. */
    int viewerCount() {
        return viewers;
    }

    void waitForKeyframe() {
        waitingForKeyframe = true;
    }

    /** Offers an encoded unit; called by the stream's producer under its fan-out lock. */
    void offer(EncodedUnit unit) {
        if (!options.encoded() || closed) {
            return;
        }
        boolean video = unit.codec().kind() == MediaKind.VIDEO;
        if (video && !encodedVideo) {
            return;
        }
        if (video && waitingForKeyframe) {
            if (!unit.keyframe()) {
                return;
            }
            waitingForKeyframe = false;
        }
        if (queue.size() >= options.queueCapacity() || !queue.offer(unit)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("Subscriber {} of stream '{}' is too slow: {} units dropped", thread.getName(), streamName, n);
            }
            if (video) {
                waitingForKeyframe = true;
                stream.requestKeyframe();
            }
        }
    }

    /** Offers a raw picture; stale pictures are simply dropped when the subscriber lags. */
    void offer(RawVideoFrame frame) {
        if (!options.rawVideo() || closed) {
            return;
        }
        if (pendingPictures.get() >= pictureCapacity || queue.size() >= options.queueCapacity()
                || !queue.offer(frame)) {
            dropped.incrementAndGet();
            return;
        }
        pendingPictures.incrementAndGet();
    }

    void offerTracks(List<Track> tracks) {
        offerControl(tracks);
    }

    void offerStatus(StreamStatus status) {
        offerControl(status);
    }

    private void offerControl(Object message) {
        if (!closed && !queue.offer(message)) {
            LOG.warn("Control message for {} lost: queue full", thread.getName());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        try {
            while (true) {
                Object item = queue.take();
                if (item == CLOSE) {
                    break;
                }
                try {
                    if (item instanceof EncodedUnit unit) {
                        subscriber.onMedia(unit);
                        delivered.incrementAndGet();
                    } else if (item instanceof RawVideoFrame frame) {
                        pendingPictures.decrementAndGet();
                        subscriber.onRawVideo(frame);
                        delivered.incrementAndGet();
                    } else if (item instanceof StreamStatus status) {
                        subscriber.onStatus(status);
                    } else if (item instanceof List<?> tracks) {
                        subscriber.onTracks((List<Track>) tracks);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Subscriber {} failed on {}", thread.getName(), item, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                subscriber.onClosed();
            } catch (RuntimeException e) {
                LOG.warn("Subscriber {} failed on close", thread.getName(), e);
            }
        }
    }

    @Override
    public long droppedUnits() {
        return dropped.get();
    }

    @Override
    public long deliveredUnits() {
        return delivered.get();
    }

    @Override
    public void requestKeyframe() {
        stream.requestKeyframe();
    }

    @Override
    public void viewers(int count) {
        viewers = count;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stream.unsubscribe(this);
        queue.clear();
        queue.offer(CLOSE);
    }

    /** Closes without calling back into the stream (the stream itself is going away). */
    void closeFromStream() {
        closed = true;
        queue.clear();
        queue.offer(CLOSE);
    }
}
