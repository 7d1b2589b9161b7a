package io.sightline.api.stream;

import org.osgi.annotation.versioning.ProviderType;

/** A live subscription to a stream's media; close it to stop delivery and free its queue and thread. */
@ProviderType
public interface Subscription extends AutoCloseable {
    /** Units and frames this subscriber lost because its queue was full. */
    long droppedUnits();

    /** Units and frames delivered so far. */
    long deliveredUnits();

    /**
     * Asks the source for a keyframe on behalf of this subscriber (a viewer sent PLI or FIR, or just joined).
     * Requests from all subscribers are coalesced and rate limited by the stream.
     */
    void requestKeyframe();

    /**
     * Tells the stream how many viewers this subscription serves (a transport that fans one subscription out to
     * many viewers), for the stream's figures ({@link RenditionStatus#viewers()}). Ignored by default.
     *
     * @since 1.3.0
     */
    default void viewers(int count) {
    }

    /** Stops delivery; idempotent. */
    @Override
    void close();
}
