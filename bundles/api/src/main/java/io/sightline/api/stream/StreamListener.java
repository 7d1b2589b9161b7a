package io.sightline.api.stream;

import org.osgi.annotation.versioning.ConsumerType;

/** Watches streams come, go and change state. Calls must return quickly. */
@ConsumerType
public interface StreamListener {
    /** A stream was defined. */
    default void streamAdded(Stream stream) {
    }

    /** A stream's status changed. */
    default void streamStatusChanged(Stream stream, StreamStatus status) {
    }

    /** A stream's definition was deleted. */
    default void streamRemoved(Stream stream) {
    }
}
