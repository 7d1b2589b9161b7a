package io.sightline.api.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The health of one checked item (a stream, a listener, a plugin).
 *
 * @param name    what was checked, unique within its contributor (for example the stream name)
 * @param status  the outcome
 * @param details extra facts for operators (state, bitrate, detail message); values are strings or numbers
 */
public record HealthReport(String name, HealthStatus status, Map<String, Object> details) {
    /** Validates the components and freezes the details, keeping their order. */
    public HealthReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
