package io.sightline.core.internal;

import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import java.util.ArrayDeque;
import java.util.List;

/** A stream's current status and its last {@value #HISTORY} changes, oldest first, for operators. */
final class StatusLog {
    static final int HISTORY = 10;

    private volatile StreamStatus current;
    /** Guarded by itself. */
    private final ArrayDeque<StreamStatus> history = new ArrayDeque<>();

    StatusLog(long nowMillis) {
        current = new StreamStatus(StreamState.IDLE, "", nowMillis);
        history.add(current);
    }

    StreamStatus current() {
        return current;
    }

    List<StreamStatus> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Records a change; returns the new status, or null when state and detail are what they already are. */
    StreamStatus change(StreamState state, String detail, long nowMillis) {
        StreamStatus old = current;
        if (old.state() == state && old.detail().equals(detail)) {
            return null;
        }
        StreamStatus s = new StreamStatus(state, detail, nowMillis);
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(s);
        }
        current = s;
        return s;
    }
}
