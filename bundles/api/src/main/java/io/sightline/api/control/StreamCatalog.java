package io.sightline.api.control;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one writer of stream definitions. Every change is checked as a whole against the stream's metatype and the
 * metatype of the capture plugin named by {@code source.type} before anything is written; a refused change throws
 * {@link ChangeRefused} with one {@link Problem} per offending property and leaves the files untouched. An accepted
 * change writes {@code etc/io.sightline.stream-<name>.cfg} (the file an operator would write by hand), which the
 * server then applies like any edit of that file, and is recorded in the audit trail.
 *
 * <p>Versions: every method that changes an existing stream takes the caller's {@link StreamConfig#version()}, or
 * null to skip the check; a different current version refuses the change with {@link ChangeRefused.Reason#STALE}.
 */
@ProviderType
public interface StreamCatalog {
    /** The stream's stored configuration, if a file defines it. */
    Optional<StreamConfig> get(String name);

    /** The names of the streams defined by files, sorted. */
    List<String> names();

    /** Creates a stream; refused with {@link ChangeRefused.Reason#EXISTS} if it is defined already. */
    StreamConfig create(String name, Map<String, String> properties, Actor actor);

    /** Replaces a stream's whole configuration, or creates it when there is none and {@code version} is null. */
    StreamConfig replace(String name, Map<String, String> properties, String version, Actor actor);

    /** Sets some properties and removes others (back to their defaults), keeping the rest. */
    StreamConfig edit(String name, Map<String, String> set, Set<String> unset, String version, Actor actor);

    /** Removes the stream's definition (its file). */
    void remove(String name, String version, Actor actor);

    /** Stops the stream: persists {@code enabled = false}; the source closes and viewers are refused. */
    StreamConfig stop(String name, String version, Actor actor);

    /** Starts a stopped stream again: persists {@code enabled = true}. */
    StreamConfig start(String name, String version, Actor actor);

    /**
     * The settings a stream with this {@code source.type} may have: the stream's own, then the plugin's (none when
     * the type is null, unknown, or its plugin declares no metatype).
     */
    List<Setting> settings(String sourceType);

    /** The {@code source.type}s of the capture plugins installed now, sorted. */
    List<String> sourceTypes();

    /** Records a change made elsewhere (a viewer kicked) in the same audit trail. */
    void audit(Actor actor, String action, String target);

    /** The most recent audit entries, newest last (kept in memory; the log has them all). */
    List<AuditEntry> auditTrail();
}
