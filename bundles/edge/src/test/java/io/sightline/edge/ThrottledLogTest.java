package io.sightline.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class ThrottledLogTest {
    @Test
    void writesAFewLinesPerKindAndWindow() {
        AtomicLong now = new AtomicLong();
        ThrottledLog log = new ThrottledLog(NOPLogger.NOP_LOGGER, 3, 10_000_000_000L, now::get);
        int written = 0;
        for (int i = 0; i < 10_000; i++) {
            written += log.info("429", "flood {}", i) ? 1 : 0;
        }
        assertEquals(3, written);
        assertEquals(true, log.info("401", "another kind has its own window"));
        now.addAndGet(10_000_000_000L);
        assertEquals(true, log.info("429", "next window"));
    }
}
