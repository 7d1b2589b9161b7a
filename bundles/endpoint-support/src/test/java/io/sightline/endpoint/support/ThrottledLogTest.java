package io.sightline.endpoint.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
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

    @Test
    void debugLinesAreThrottledTooAndTheNextWindowSaysHowManyWereSuppressed() {
        AtomicLong now = new AtomicLong();
        List<String> lines = new ArrayList<>();
        ThrottledLog log = new ThrottledLog(debugLogger(lines), 1, 10_000_000_000L, now::get);
        for (int i = 0; i < 100; i++) {
            log.debug("garbage", "dropped garbage from {}: {}", "192.0.2.1:5000", i);
        }
        now.addAndGet(10_000_000_000L);
        assertTrue(log.debug("garbage", "dropped garbage from {}: {}", "192.0.2.1:5000", "last"));
        assertEquals(List.of("dropped garbage from {}: {} [192.0.2.1:5000, 0]",
                "{} similar lines ({}) were not logged in the last {} s [99, garbage, 10]",
                "dropped garbage from {}: {} [192.0.2.1:5000, last]"), lines);
    }

    @Test
    void debugIsFreeWhenDebugIsOff() {
        ThrottledLog log = new ThrottledLog(NOPLogger.NOP_LOGGER, 1, 10_000_000_000L, System::nanoTime);
        assertFalse(log.debug("garbage", "dropped garbage from {}: {}", "a", "b"));
    }

    /** A logger with DEBUG on that keeps each debug line as "format [arguments]". */
    private static Logger debugLogger(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("isDebugEnabled")) {
                        return true;
                    }
                    if (method.getName().equals("debug")) {
                        List<Object> rest = new ArrayList<>();
                        for (int i = 1; i < args.length; i++) {
                            if (args[i] instanceof Object[] varargs) {
                                rest.addAll(List.of(varargs));
                            } else {
                                rest.add(args[i]);
                            }
                        }
                        lines.add(args[0] + " " + rest);
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }
}
