package io.sightline.api.transport;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The publisher sessions a {@link PublishTransport} holds now, for operators' listings; registered by the same
 * transport.
 *
 * @since 1.3
 */
@ProviderType
public interface PublisherDirectory {
    /** The live publisher sessions with their measurements. */
    List<PublisherStats> publishers();

    /**
     * Ends a publisher's session as its DELETE would (the stream goes {@code reconnecting}).
     *
     * @return false when no session has this id
     */
    boolean close(String id);
}
