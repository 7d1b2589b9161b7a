package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.Track;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Hands a stream's media to its subscribers' queues, keeping the GOP cache that lets a new subscriber start at once,
 * and feeds the shared decoder, if one runs.
 *
 * <p>One lock orders everything a new subscriber must see consistently (tracks, status, cached GOP, then live units)
 * and the decoder's seed against later units. It is held only for non-blocking offers: a slow subscriber or decoder
 * drops, it never holds up the source.
 */
final class MediaFanout {
    private final Object lock = new Object();
    private final List<SubscriberQueue> subscribers = new CopyOnWriteArrayList<>();
    private final GopCache gop = new GopCache();
    private final boolean cachesUnwatched;
    private volatile List<Track> tracks = List.of();
    private StreamStatus status;
    private StreamDecoder decoder;

    /** A stream's fan-out: its GOP is cached whether or not anyone watches, so a first viewer starts at once. */
    MediaFanout(StreamStatus initial) {
        this(initial, true);
    }

    /**
     * @param cachesUnwatched false for a rung that stops encoding while nobody watches it: its cached GOP would be
     *        as old as the pause, and a viewer started on it gets a picture from then followed by a jump in time
     *        (Chromium held such a viewer's pictures for ~3 s, issue 14). Without subscribers the cache is dropped,
     *        so the next one waits for (and asks for) a fresh keyframe.
     */
    MediaFanout(StreamStatus initial, boolean cachesUnwatched) {
        this.status = initial;
        this.cachesUnwatched = cachesUnwatched;
    }

    /**
     * Attaches a queue: it gets the tracks (if known), the status and, when it asked for it, the cached GOP.
     *
     * @return whether the queue must wait for a keyframe (it wants encoded media and no GOP was cached), in which
     *         case the caller asks the source for one
     */
    boolean subscribe(SubscriberQueue queue) {
        synchronized (lock) {
            if (!tracks.isEmpty()) {
                queue.offerTracks(tracks);
            }
            queue.offerStatus(status);
            List<EncodedUnit> cached = queue.options().startWithGop() ? gop.units() : List.of();
            for (EncodedUnit unit : cached) {
                queue.offer(unit);
            }
            boolean needKeyframe = queue.wantsEncodedVideo() && cached.isEmpty();
            if (needKeyframe) {
                queue.waitForKeyframe();
            }
            subscribers.add(queue);
            return needKeyframe;
        }
    }

    void unsubscribe(SubscriberQueue queue) {
        if (cachesUnwatched) {
            subscribers.remove(queue);
            return;
        }
        synchronized (lock) {
            subscribers.remove(queue);
            if (subscribers.isEmpty()) {
                gop.clear();
            }
        }
    }

    /** Detaches every subscriber, telling each that the stream is gone. */
    void closeAll() {
        for (SubscriberQueue q : subscribers) {
            q.closeFromStream();
        }
        subscribers.clear();
    }

    boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    boolean wantsRaw() {
        for (SubscriberQueue q : subscribers) {
            if (q.options().rawVideo()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a subscriber takes the stream's encoded video (renditions' feeds take pictures instead). */
    boolean wantsEncoded() {
        for (SubscriberQueue q : subscribers) {
            if (q.wantsEncodedVideo()) {
                return true;
            }
        }
        return false;
    }

    List<Track> tracks() {
        return tracks;
    }

    /** The subscribers' count and the viewers the transports said they serve from them. */
    int subscriberCount() {
        return subscribers.size();
    }

    int viewerCount() {
        int n = 0;
        for (SubscriberQueue q : subscribers) {
            n += q.viewerCount();
        }
        return n;
    }

    void publishStatus(StreamStatus s) {
        synchronized (lock) {
            status = s;
            for (SubscriberQueue q : subscribers) {
                q.offerStatus(s);
            }
        }
    }

    /** New tracks: the cached GOP belongs to the old ones and goes. */
    void publishTracks(List<Track> all) {
        synchronized (lock) {
            tracks = List.copyOf(all);
            gop.clear();
            for (SubscriberQueue q : subscribers) {
                q.offerTracks(tracks);
            }
        }
    }

    /** Fans a unit out; {@code fromSource} units (not the stream's own encodings) also feed the decoder. */
    void deliver(EncodedUnit unit, boolean fromSource) {
        synchronized (lock) {
            if (cachesUnwatched || !subscribers.isEmpty()) {
                gop.add(unit);
            } else {
                gop.clear();
            }
            for (SubscriberQueue q : subscribers) {
                q.offer(unit);
            }
            if (fromSource && decoder != null) {
                decoder.offer(unit);
            }
        }
    }

    /** Raw pictures are not cached and need no ordering against the units: no lock. */
    void deliver(RawVideoFrame picture) {
        for (SubscriberQueue q : subscribers) {
            q.offer(picture);
        }
    }

    void clearGop() {
        synchronized (lock) {
            gop.clear();
        }
    }

    /** The cached GOP, for tests. */
    List<EncodedUnit> cachedGop() {
        synchronized (lock) {
            return List.copyOf(gop.units());
        }
    }

    /**
     * Starts feeding a decoder made from the cached GOP; under the lock, so it sees the seed and every later unit.
     */
    StreamDecoder attachDecoder(Function<List<EncodedUnit>, StreamDecoder> fromSeed) {
        synchronized (lock) {
            decoder = fromSeed.apply(List.copyOf(gop.units()));
            return decoder;
        }
    }

    /** Stops feeding the decoder; returns it (or null) for the caller to close. */
    StreamDecoder detachDecoder() {
        synchronized (lock) {
            StreamDecoder d = decoder;
            decoder = null;
            return d;
        }
    }

    StreamDecoder decoder() {
        synchronized (lock) {
            return decoder;
        }
    }
}
