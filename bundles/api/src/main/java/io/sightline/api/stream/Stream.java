package io.sightline.api.stream;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A named live stream: the media one configured source produces, shared with any number of subscribers.
 *
 * <p>Streams are defined by configuration (one ConfigAdmin factory configuration each) and found through the
 * {@link StreamRegistry}. A stream outlives its source: when the source drops, the stream goes to
 * {@link StreamState#RECONNECTING} and subscribers stay attached until media flows again.
 */
@ProviderType
public interface Stream {
    /** Configuration key: the stream's name (unique; used in URLs). */
    String NAME = "name";
    /** Configuration key: the capture plugin that feeds the stream, matched against {@code source.type}. */
    String SOURCE_TYPE = "source.type";
    /** Configuration key: which transport serves viewers, matched against {@code transport.mode} ({@code sfu}, {@code p2p}). */
    String TRANSPORT_MODE = "transport.mode";
    /** Configuration key: access policy, {@code public}, {@code token} or {@code disabled}. */
    String ACCESS = "access";
    /** Configuration key: {@code false} keeps the stream defined but {@link StreamState#STOPPED}. */
    String ENABLED = "enabled";

    /** The stream's name. */
    String name();

    /** The {@code source.type} of the capture plugin this stream uses. */
    String sourceType();

    /** The configured transport mode for viewers ({@code sfu} unless configured otherwise). */
    String transportMode();

    /** Current state and detail. */
    StreamStatus status();

    /**
     * The last state changes, oldest first, the current one last (a few; kept in memory). A default, so that
     * streams made outside the core (tests, adapters) need not keep one.
     */
    default List<StreamStatus> history() {
        return List.of(status());
    }

    /** The tracks the source announced; empty until the source has opened. */
    List<Track> tracks();

    /** Input measurements. */
    StreamStats stats();

    /** Number of viewer sessions attached to this stream, over all transports. */
    int viewerCount();

    /** The stream's configuration properties (read-only), including source-specific keys such as {@code source.url}. */
    Map<String, Object> properties();

    /**
     * Subscribes to the stream's media. The subscriber first receives {@link MediaSubscriber#onTracks} (if tracks are
     * known) and the current status. Subscribing to an on-demand stream starts its source.
     */
    Subscription subscribe(MediaSubscriber subscriber, SubscribeOptions options);

    /** Asks the source for a keyframe; coalesced and rate limited. */
    void requestKeyframe();

    /**
     * The stream's rendition ladder ({@value Rendition#RENDITIONS}), highest bitrate first, each in the codec the
     * stream delivers its own video in; empty when adaptation is off (then viewers get the stream as it is, or
     * nothing). A default for streams made outside the core.
     *
     * @since 1.3.0
     */
    default List<Rendition> renditions() {
        return List.of();
    }

    /**
     * Subscribes to one rendition of the stream: the stream's video decoded once and encoded once for every
     * subscriber of that rendition (started with its first subscriber, stopped a while after its last), with the
     * stream's audio as it is. Tracks arrive once the rendition's encoder produced its first picture.
     *
     * @param rendition a rung of {@link #renditions()}, in any codec {@link Rendition} allows
     * @throws IllegalArgumentException when the rendition is not one of the stream's rungs
     * @since 1.3.0
     */
    default Subscription subscribe(MediaSubscriber subscriber, SubscribeOptions options, Rendition rendition) {
        throw new IllegalArgumentException("stream '" + name() + "' has no renditions");
    }

    /**
     * The renditions running now, with their cost and subscribers.
     *
     * @since 1.3.0
     */
    default List<RenditionStatus> renditionStatus() {
        return List.of();
    }
}
