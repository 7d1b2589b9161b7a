package io.sightline.api.transport;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * All live viewer sessions, over every transport. Signaling registers each session it creates; the registry drops
 * it when the session closes. Provided by the core; used by listings, health and viewer counts.
 */
@ProviderType
public interface SessionRegistry {
    /** Adds a session; it is removed automatically when it closes. */
    void register(ViewerSession session);

    /** The session with this id. */
    Optional<ViewerSession> session(String id);

    /** All live sessions. */
    List<ViewerSession> sessions();

    /** Live sessions of one stream. */
    List<ViewerSession> sessions(String streamName);
}
