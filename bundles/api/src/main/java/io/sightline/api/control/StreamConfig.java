package io.sightline.api.control;

import java.util.Map;

/**
 * A stream's stored configuration as written in {@code etc/io.sightline.stream-<name>.cfg}.
 *
 * @param name       the stream's name
 * @param properties the keys and values of the file, as text, sorted by key; secrets included (mask before showing)
 * @param version    an opaque tag of this content (the HTTP {@code ETag}); any change of the file changes it
 */
public record StreamConfig(String name, Map<String, String> properties, String version) {
    /** Copies the map. */
    public StreamConfig {
        properties = Map.copyOf(properties);
    }
}
