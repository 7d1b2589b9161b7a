package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamListener;
import io.sightline.api.stream.StreamRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The figures this very JVM reports through /proc and JMX are real and non-zero; the series are bounded. */
class ResourceMonitorTest {
    private static final StreamRegistry NONE = new StreamRegistry() {
        @Override
        public Optional<Stream> find(String name) {
            return Optional.empty();
        }

        @Override
        public List<Stream> streams() {
            return List.of();
        }

        @Override
        public AutoCloseable watch(StreamListener listener) {
            return () -> { };
        }
    };

    @Test
    void samplesTheProcessAndKeepsFifteenMinutes() {
        try (ResourceMonitor monitor = new ResourceMonitor(NONE, Path.of("target/no-such-log-dir/log"))) {
            for (int i = 0; i < ResourceMonitor.SAMPLES + 5; i++) {
                monitor.sample();
            }
            Map<String, Object> snapshot = monitor.snapshot();
            ResourceMonitor.Sample now = (ResourceMonitor.Sample) snapshot.get("current");
            assertTrue(now.heapUsed() > 0 && now.heapMax() >= now.heapUsed(), now.toString());
            assertTrue(now.rss() > now.heapUsed() / 4, "RSS from /proc/self/status: " + now);
            assertTrue(now.threads() > 1, now.toString());
            assertTrue(now.openFiles() > 2, now.toString());
            assertTrue(now.diskFree() > 0, "the nearest existing parent's file system: " + now);
            assertTrue(now.cpuPercent() >= 0, now.toString());
            assertEquals(180, ((List<?>) snapshot.get("process")).size(), "15 minutes of 5 s samples, no more");
        }
    }
}
