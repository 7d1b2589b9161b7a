package io.sightline.source.testpattern.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sightline.testing.RecordingSourceContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPatternSourceFactoryTest {
    private final TestPatternSourceFactory factory = Factories.factory(Map.of());

    @Test
    void defaultsAre720pAt30() {
        TestPatternSettings settings = TestPatternSettings.from(new RecordingSourceContext("demo", Map.of()), Factories.defaults(Map.of()));
        assertEquals(new TestPatternSettings(1280, 720, 30), settings);
        assertNotNull(factory.create(new RecordingSourceContext("demo", Map.of())));
    }

    @Test
    void acceptsStringsAndNumbers() {
        TestPatternSettings settings = TestPatternSettings.from(new RecordingSourceContext("s",
                Map.of("source.width", "640", "source.height", 360, "source.fps", " 25 ")), Factories.defaults(Map.of()));
        assertEquals(new TestPatternSettings(640, 360, 25), settings);
    }

    @Test
    void theStreamsKeysOverrideThePluginsDefaults() {
        TestPatternSourceFactory plugin = Factories.factory(Map.of("source.width", 640, "source.fps", 25));
        TestPatternSettings settings = TestPatternSettings.from(new RecordingSourceContext("s", Map.of("source.fps", "50")),
                Factories.defaults(Map.of("source.width", 640, "source.fps", 25)));
        assertEquals(new TestPatternSettings(640, 720, 50), settings);
        assertNotNull(plugin.create(new RecordingSourceContext("s", Map.of())));
    }

    @Test
    void rejectsBadConfiguration() {
        String[][] bad = {
            {"source.width", "641"}, {"source.width", "14"}, {"source.width", "3842"}, {"source.width", "-2"},
            {"source.height", "721"}, {"source.height", "4000"}, {"source.height", "wide"},
            {"source.fps", "0"}, {"source.fps", "121"}, {"source.fps", "29.97"},
        };
        for (String[] entry : bad) {
            RecordingSourceContext context = new RecordingSourceContext("s", Map.of(entry[0], entry[1]));
            assertThrows(IllegalArgumentException.class, () -> factory.create(context), entry[0] + "=" + entry[1]);
        }
    }
}
