package io.sightline.api.source;

import io.sightline.api.stream.Rendition;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One running input for one stream, created by a {@link CaptureSourceFactory}.
 *
 * <p>Life cycle, driven by the stream's supervisor: {@link #start()} opens the input and starts the source's own
 * reading thread, which pushes media into the {@link SourceContext#sink() sink}; {@link #stop()} closes it. When the
 * input fails after starting (camera unplugged, server restarted), the source calls {@link MediaSink#failed} and
 * returns from its thread; the supervisor then calls {@link #stop()} and, after a backoff, {@link #start()} again on
 * the same instance. A source never retries by itself.
 */
@ConsumerType
public interface CaptureSource {
    /**
     * Opens the input and starts delivering media. May block while connecting (the supervisor calls it on its own
     * thread) but should give up within a few seconds.
     *
     * @throws Exception when the input cannot be opened now; the stream reconnects with backoff
     */
    void start() throws Exception;

    /** Closes the input and stops the source's threads. Must be idempotent and must not block for long. */
    void stop();

    /**
     * Asks for a keyframe as soon as possible (a viewer joined or lost a packet). Sources that encode force one on
     * the next frame; passthrough sources that cannot ask their camera may ignore it. Called often and from any
     * thread; must not block.
     */
    default void requestKeyframe() {
    }

    /**
     * Asks for a keyframe of one of the layers the source announced with {@link MediaSink#layers} (a viewer joined or
     * moved to it, or lost a packet of it). By default the same as {@link #requestKeyframe()}.
     *
     * @since 1.2
     */
    default void requestKeyframe(Rendition layer) {
        requestKeyframe();
    }
}
