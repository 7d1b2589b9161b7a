package io.sightline.api.control;

import java.util.List;

/**
 * One property a stream may set, from the metatype of the stream or of its capture plugin: what forms, completion
 * and {@code stream:info} show.
 *
 * @param key          the property key, e.g. {@code video.bitrate.kbps}
 * @param label        a short name
 * @param description  what it does
 * @param type         {@code string}, {@code integer}, {@code long}, {@code double}, {@code boolean} or {@code password}
 * @param defaultValue the default as text, empty when there is none
 * @param options      the allowed values, empty when any value of the type is allowed
 * @param multiple     true for a comma-separated list
 * @param origin       {@code stream} for the stream's own keys, or the {@code source.type} whose plugin declares it
 */
public record Setting(String key, String label, String description, String type, String defaultValue,
        List<String> options, boolean multiple, String origin) {
    /** Copies the list. */
    public Setting {
        options = List.copyOf(options);
    }

    /** Whether the value is a secret that is masked wherever it is shown. */
    public boolean secret() {
        return type.equals("password");
    }
}
