package io.sightline.core.internal;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.Track;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a passthrough stream's video once, on its own thread, for all the stream's raw-picture subscribers.
 *
 * <p>The source's push path only {@linkplain #offer offers} units to a short bounded hand-off and never waits: when the
 * decoder falls behind, units are dropped until the next keyframe (and one is requested), so decoding resumes on a
 * clean reference chain and the pictures stay fresh rather than complete.
 *
 * <p>Start: the decoder first runs through the cached GOP (from its keyframe) without publishing those pictures, so
 * the first published picture is the one for the first live unit after the start, with no wait for the next keyframe.
 * The native decoder is created, used and closed on the decoder thread only.
 */
final class StreamDecoder implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamDecoder.class);
    /** About a quarter of a second at 30 fps: more would only add latency to pictures that are already late. */
    static final int HANDOFF_CAPACITY = 8;
    /** A longer cached GOP costs more catch-up decoding than waiting for the next keyframe. */
    static final int MAX_SEED_UNITS = 150;

    private final String streamName;
    private final VideoDecoderFactory factory;
    private final Track track;
    private final List<EncodedUnit> seed;
    private final Consumer<RawVideoFrame> publish;
    private final Consumer<RawVideoFrame> discard = picture -> { };
    private final Runnable keyframeRequest;
    private final BlockingQueue<EncodedUnit> handoff = new ArrayBlockingQueue<>(HANDOFF_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong decoded = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    /** Touched only by the producer, under the stream's fan-out lock. */
    private boolean waitingForKeyframe;

    /**
     * @param seed            the cached GOP, starting at a keyframe (or empty); decoded, not published
     * @param publish         receives each decoded picture of a live unit, on the decoder thread
     * @param keyframeRequest asks the source for a keyframe after a drop or a decode error
     */
    StreamDecoder(String streamName, VideoDecoderFactory factory, Track track, List<EncodedUnit> seed,
            Consumer<RawVideoFrame> publish, Runnable keyframeRequest) {
        this.streamName = streamName;
        this.factory = factory;
        this.track = track;
        this.seed = videoUnits(seed, track.id());
        this.publish = publish;
        this.keyframeRequest = keyframeRequest;
        this.waitingForKeyframe = this.seed.isEmpty();
        this.thread = new Thread(this, "sightline-decode-" + streamName);
        this.thread.setDaemon(true);
    }

    private static List<EncodedUnit> videoUnits(List<EncodedUnit> gop, int trackId) {
        List<EncodedUnit> video = gop.stream().filter(u -> u.trackId() == trackId).toList();
        if (video.isEmpty() || !video.get(0).keyframe() || video.size() > MAX_SEED_UNITS) {
            return List.of();
        }
        return video;
    }

    void start() {
        thread.start();
        if (seed.isEmpty()) {
            keyframeRequest.run();
        }
    }

    VideoDecoderFactory factory() {
        return factory;
    }

    Track track() {
        return track;
    }

    long droppedUnits() {
        return dropped.get();
    }

    long decodedPictures() {
        return decoded.get();
    }

    /** Hands a unit of the stream over without blocking; called under the stream's fan-out lock. */
    void offer(EncodedUnit unit) {
        if (closed || unit.trackId() != track.id()) {
            return;
        }
        if (waitingForKeyframe) {
            if (!unit.keyframe()) {
                dropped.incrementAndGet();
                return;
            }
            waitingForKeyframe = false;
        }
        if (!handoff.offer(unit)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("Stream '{}': the decoder falls behind; {} units skipped to the next keyframe", streamName, n);
            }
            waitingForKeyframe = true;
            keyframeRequest.run();
        }
    }

    @Override
    public void run() {
        VideoDecoder decoder;
        try {
            decoder = factory.create(track.parameters());
        } catch (RuntimeException e) {
            LOG.error("Stream '{}': cannot create a {} decoder; raw-picture subscribers get no pictures", streamName,
                    track.parameters().codec(), e);
            return;
        }
        LOG.info("Stream '{}': decoding {} for raw-picture subscribers ({} cached units to catch up)", streamName,
                track.parameters().codec(), seed.size());
        try {
            boolean needKeyframe = true;
            for (EncodedUnit unit : seed) {
                needKeyframe = feed(decoder, unit, discard, needKeyframe);
            }
            while (!closed) {
                needKeyframe = feed(decoder, handoff.take(), publish, needKeyframe);
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            decoder.close();
            LOG.info("Stream '{}': decoder stopped ({} pictures, {} units skipped)", streamName, decoded.get(),
                    dropped.get());
        }
    }

    /** Decodes one unit; returns whether the decoder must now wait for a keyframe. */
    private boolean feed(VideoDecoder decoder, EncodedUnit unit, Consumer<RawVideoFrame> output, boolean needKeyframe) {
        if (needKeyframe && !unit.keyframe()) {
            return true;
        }
        try {
            decoded.addAndGet(decoder.decode(unit, output));
            return false;
        } catch (IllegalArgumentException e) {
            long n = errors.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
                LOG.warn("Stream '{}': decode error #{} ({}); resuming at the next keyframe", streamName, n,
                        e.getMessage());
            }
            keyframeRequest.run();
            return true;
        }
    }

    /** Stops the thread; the native decoder is closed by the thread itself, never under a running decode. */
    void close() {
        closed = true;
        thread.interrupt();
    }
}
