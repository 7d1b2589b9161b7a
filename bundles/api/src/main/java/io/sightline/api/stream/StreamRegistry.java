package io.sightline.api.stream;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Finds and watches the server's streams. Registered as an OSGi service by the core. */
@ProviderType
public interface StreamRegistry {
    /** The stream with this name, if one is defined. */
    Optional<Stream> find(String name);

    /** All defined streams, sorted by name. */
    List<Stream> streams();

    /**
     * Adds a listener; it is told {@link StreamListener#streamAdded} for every existing stream at once.
     *
     * @return a handle that removes the listener when closed
     */
    AutoCloseable watch(StreamListener listener);
}
