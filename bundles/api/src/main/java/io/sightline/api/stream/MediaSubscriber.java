package io.sightline.api.stream;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives a stream's media. Implemented by transports (the SFU subscribes once per stream, a P2P transport once
 * per viewer) and by anything else that consumes media (recorders, analysers).
 *
 * <p>Each subscription has its own bounded queue and delivery thread: calls for one subscription arrive in order on
 * one thread, never concurrently, and a subscriber that falls behind loses units (counted in
 * {@link Subscription#droppedUnits()}) without slowing the stream or other subscribers. After a drop, delivery of a
 * video track resumes at the next keyframe, so a decoder never sees a broken reference chain.
 */
@ConsumerType
public interface MediaSubscriber {
    /**
     * The stream's tracks, delivered first on subscription and again whenever the source announces new ones (for
     * example after a reconnect with a different resolution or SPS/PPS).
     */
    default void onTracks(List<Track> tracks) {
    }

    /** One encoded unit of one of the stream's tracks. */
    void onMedia(EncodedUnit unit);

    /**
     * One raw picture, delivered only to subscriptions opened with {@code SubscribeOptions.rawVideo} set: the
     * source's own pictures, or, for a source that passes encoded video through, pictures the stream decodes once for
     * all raw subscribers (when a {@code VideoDecoderFactory} for its codec is installed).
     */
    default void onRawVideo(RawVideoFrame frame) {
    }

    /** The stream changed state (for example to {@link StreamState#RECONNECTING} and back to {@link StreamState#LIVE}). */
    default void onStatus(StreamStatus status) {
    }

    /** The stream was removed or the subscription closed; no more calls follow. */
    default void onClosed() {
    }
}
