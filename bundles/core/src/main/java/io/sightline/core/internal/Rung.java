package io.sightline.core.internal;

import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;

/** A running rung of a stream's ladder: an encoded rendition or a publisher's layer; subscribers attach to it. */
interface Rung extends SubscriberQueue.Owner {
    Rendition rendition();

    /** Attaches a subscriber; it starts on the rung's cached GOP or its next keyframe. */
    void subscribe(SubscriberQueue queue);

    boolean hasSubscribers();

    RenditionStatus status();
}
