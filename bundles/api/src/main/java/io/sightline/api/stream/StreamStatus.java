package io.sightline.api.stream;

import java.util.Objects;

/**
 * A stream's state with a human-readable detail (why it failed, what it is waiting for) and the time it was entered.
 *
 * @param state         the state
 * @param detail        a short explanation for operators, empty when there is nothing to add
 * @param sinceMillis   wall-clock time the state was entered, epoch milliseconds
 */
public record StreamStatus(StreamState state, String detail, long sinceMillis) {
    /** Validates the components. */
    public StreamStatus {
        Objects.requireNonNull(state, "state");
        detail = detail == null ? "" : detail;
    }
}
