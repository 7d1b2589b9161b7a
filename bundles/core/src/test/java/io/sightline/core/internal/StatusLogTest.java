package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusLogTest {
    @Test
    void keepsTheLastTenChangesAndIgnoresRepeats() {
        StatusLog log = new StatusLog(5);
        assertEquals(new StreamStatus(StreamState.IDLE, "", 5), log.current());
        assertNull(log.change(StreamState.IDLE, "", 6), "same state and detail: no change");
        for (int i = 0; i < 12; i++) {
            log.change(i % 2 == 0 ? StreamState.RECONNECTING : StreamState.LIVE, "#" + i, 10 + i);
        }
        List<StreamStatus> history = log.history();
        assertEquals(StatusLog.HISTORY, history.size());
        assertEquals("#2", history.get(0).detail(), "oldest first, the first three went");
        assertEquals(log.current(), history.get(history.size() - 1));
        assertEquals(21, log.current().sinceMillis());
    }
}
