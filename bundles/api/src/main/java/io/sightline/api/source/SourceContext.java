package io.sightline.api.source;

import java.nio.file.Path;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** What the core gives a capture source: the stream's configuration and the sink to push media into. */
@ProviderType
public interface SourceContext {
    /** The name of the stream this source feeds. */
    String streamName();

    /**
     * The stream's configuration properties (read-only). Source-specific keys are by convention prefixed
     * {@code source.}, for example {@code source.url}, {@code source.width}.
     */
    Map<String, Object> config();

    /** A string property, or the default when absent or blank. */
    default String config(String key, String defaultValue) {
        Object v = config().get(key);
        return v == null || v.toString().isBlank() ? defaultValue : v.toString().trim();
    }

    /** An integer property, or the default when absent. @throws IllegalArgumentException when not a number */
    default int config(String key, int defaultValue) {
        Object v = config().get(key);
        if (v == null || v.toString().isBlank()) {
            return defaultValue;
        }
        try {
            return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    /** Where the source pushes its media. */
    MediaSink sink();

    /** A directory the source may use for caches, private to its stream. */
    Path dataDirectory();
}
