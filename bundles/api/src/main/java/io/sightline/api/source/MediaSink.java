package io.sightline.api.source;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.Track;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The entry of a stream, into which its source pushes media. All methods are cheap and never block: they hand the
 * media to each subscriber's queue and return. Call them from the source's own thread.
 *
 * <p>A source either pushes encoded units (a camera's H.264 passed through, an Opus track) or raw pictures; raw
 * pictures are encoded by the stream with the configured {@link io.sightline.api.codec.VideoEncoderFactory encoder}
 * (so a source that produces pictures needs no codec code), and handed as they are to subscribers that asked for
 * raw video.
 */
@ProviderType
public interface MediaSink {
    /**
     * Announces the tracks the source will push (after opening, and again after a reconnect or a change of
     * resolution or codec configuration). The first media after this call marks the stream {@code LIVE}.
     * Sources of raw pictures announce only their non-video tracks (or none): the stream announces the encoded video
     * track itself.
     */
    void tracks(List<Track> tracks);

    /** Pushes one encoded unit of an announced track. */
    void push(EncodedUnit unit);

    /** Pushes one raw picture; the stream encodes it for its video track. */
    void push(RawVideoFrame frame);

    /**
     * Reports that the input failed after {@link CaptureSource#start()} succeeded. The stream goes to
     * {@code RECONNECTING} and restarts the source with backoff.
     */
    void failed(String reason, Throwable cause);

    /**
     * Reports that the source is running but its input is away for now: a source that waits for its input to come
     * to it (a WHIP publisher) rather than opening it. The stream shows {@code state} ({@code IDLE}: nothing to wait
     * for yet; {@code RECONNECTING}: the input dropped and is expected back) with the detail, the silence watchdog
     * ({@code source.timeout.ms}) is off until media flows again, and subscribers stay. The next media marks the
     * stream {@code LIVE} again, as after a reconnect.
     *
     * @param state  {@link StreamState#IDLE} or {@link StreamState#RECONNECTING}
     * @param detail what the operator sees, for example "waiting for a publisher"
     * @throws IllegalArgumentException for another state
     * @since 1.1
     */
    void waiting(StreamState state, String detail);

    /**
     * Announces the layers of the source's video: each layer is a separate encoding the publisher sends (a
     * WebRTC simulcast publisher's RTP streams), top first: the stream's own video is the top layer's (the source
     * pushes it with {@link #push(EncodedUnit)} as always), and every layer becomes a rung of the stream's ladder
     * ({@code Stream.renditions()}) served as it comes, without encoding. Called again when a layer's size changes or a
     * layer comes or goes; an empty list: no layers (a publisher without simulcast). Ignored by default.
     *
     * @param layers {@link Rendition#layer layers}, highest first
     * @since 1.2
     */
    default void layers(List<Rendition> layers) {
    }

    /**
     * Pushes one video unit of an announced layer, with the layer's video track (the same instance until its codec
     * configuration or size changes). Cheap and non-blocking like {@link #push(EncodedUnit)}; ignored by default.
     *
     * @param layer a layer of the last {@link #layers} call (matched by {@link Rendition#sameRung})
     * @since 1.2
     */
    default void push(Rendition layer, Track video, EncodedUnit unit) {
    }
}
