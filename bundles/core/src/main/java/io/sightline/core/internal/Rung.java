package io.sightline.core.internal;

import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;

/** A running rung of a stream's ladder: an encoded rendition or a publisher's layer; subscribers attach to it. */
interface Rung extends SubscriberQueue.Owner {
    Rendition rendition();

    /** The rung's own fan-out, with its GOP cache. */
    MediaFanout fanout();

    /** Attaches a subscriber; it starts on the rung's cached GOP or its next keyframe (asked for when none is cached). */
    default void subscribe(SubscriberQueue queue) {
        if (fanout().subscribe(queue)) {
            requestKeyframe();
        }
        queue.start();
    }

    default boolean hasSubscribers() {
        return fanout().hasSubscribers();
    }

    RenditionStatus status();
}
