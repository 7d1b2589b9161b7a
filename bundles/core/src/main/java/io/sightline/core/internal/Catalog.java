package io.sightline.core.internal;

import io.sightline.api.control.Actor;
import io.sightline.api.control.AuditEntry;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.ChangeRefused.Reason;
import io.sightline.api.control.Problem;
import io.sightline.api.control.Setting;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import io.sightline.api.stream.Stream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * The one writer of stream files (see {@link StreamCatalog}). Changes are serialized by one lock, so a version check
 * and the write that follows it cannot interleave with another change; reads need no lock (files are replaced
 * atomically).
 */
final class Catalog implements StreamCatalog {
    private final StreamFiles files;
    private final Schemas schemas;
    private final ChangeValidator validator;
    private final AuditTrail audit;
    private final Object writeLock = new Object();

    Catalog(StreamFiles files, Schemas schemas, AuditTrail audit) {
        this.files = files;
        this.schemas = schemas;
        this.validator = new ChangeValidator(schemas);
        this.audit = audit;
    }

    @Override
    public Optional<StreamConfig> get(String name) {
        if (!ChangeValidator.validName(name)) {
            return Optional.empty();
        }
        return stored(name).map(s -> new StreamConfig(s.name(), s.properties(), s.version()));
    }

    @Override
    public List<String> names() {
        try {
            // Hand-written files may use names the catalog does not write (with '.'): those are not its to edit.
            return files.names().stream().filter(ChangeValidator::validName).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public StreamConfig create(String name, Map<String, String> properties, Actor actor) {
        synchronized (writeLock) {
            checkName(name);
            if (stored(name).isPresent()) {
                throw new ChangeRefused(Reason.EXISTS, "name", "a stream named '" + name + "' exists already");
            }
            return write(name, Map.of(), clean(properties), "create", actor);
        }
    }

    @Override
    public StreamConfig replace(String name, Map<String, String> properties, String version, Actor actor) {
        synchronized (writeLock) {
            checkName(name);
            Optional<StreamFiles.Stored> current = stored(name);
            if (current.isEmpty()) {
                if (version != null) {
                    throw stale(name, "it does not exist");
                }
                return write(name, Map.of(), clean(properties), "create", actor);
            }
            checkVersion(current.get(), version);
            return write(name, current.get().properties(), clean(properties), "replace", actor);
        }
    }

    @Override
    public StreamConfig edit(String name, Map<String, String> set, Set<String> unset, String version, Actor actor) {
        synchronized (writeLock) {
            StreamFiles.Stored current = existing(name, version);
            Map<String, String> next = new TreeMap<>(current.properties());
            List<Problem> both = new ArrayList<>();
            for (String k : unset) {
                if (set.containsKey(k)) {
                    both.add(new Problem(k, "both set and unset"));
                }
                next.remove(k);
            }
            if (!both.isEmpty()) {
                throw new ChangeRefused(Reason.INVALID, both);
            }
            set.forEach((k, v) -> {
                if (v == null || v.isBlank()) {
                    next.remove(k.trim()); // an empty value means "back to the default"
                }
            });
            next.putAll(clean(set));
            return write(name, current.properties(), next, "edit", actor);
        }
    }

    @Override
    public void remove(String name, String version, Actor actor) {
        synchronized (writeLock) {
            StreamFiles.Stored current = existing(name, version);
            try {
                files.delete(name);
            } catch (IOException e) {
                throw new ChangeRefused(Reason.STORAGE, "", "could not delete " + files.file(name) + ": " + e);
            }
            audit.record(actor, "remove", name, current.properties(), Map.of());
        }
    }

    @Override
    public StreamConfig stop(String name, String version, Actor actor) {
        return enable(name, false, version, actor);
    }

    @Override
    public StreamConfig start(String name, String version, Actor actor) {
        return enable(name, true, version, actor);
    }

    private StreamConfig enable(String name, boolean enabled, String version, Actor actor) {
        synchronized (writeLock) {
            StreamFiles.Stored current = existing(name, version);
            Map<String, String> next = new TreeMap<>(current.properties());
            if (enabled) {
                // Back to the default rather than "true", so the file reads as it did before the stop.
                next.remove(Stream.ENABLED);
            } else {
                next.put(Stream.ENABLED, "false");
            }
            return write(name, current.properties(), next, enabled ? "start" : "stop", actor);
        }
    }

    @Override
    public List<Setting> settings(String sourceType) {
        List<Setting> all = new ArrayList<>();
        for (AttributeDefinition ad : schemas.stream()) {
            all.add(setting(ad, "stream"));
        }
        if (sourceType != null && schemas.installedTypes().contains(sourceType)) {
            List<AttributeDefinition> source = schemas.source(sourceType);
            if (source != null) {
                for (AttributeDefinition ad : source) {
                    all.add(setting(ad, sourceType));
                }
            }
        }
        return all;
    }

    @Override
    public List<String> sourceTypes() {
        return schemas.installedTypes().stream().sorted().toList();
    }

    @Override
    public void audit(Actor actor, String action, String target) {
        audit.record(actor, action, target, Map.of(), Map.of());
    }

    @Override
    public List<AuditEntry> auditTrail() {
        return audit.entries();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private StreamConfig write(String name, Map<String, String> before, Map<String, String> after, String action,
            Actor actor) {
        List<Problem> problems = validator.check(name, after);
        if (!problems.isEmpty()) {
            throw new ChangeRefused(Reason.INVALID, problems);
        }
        String header = "Stream '" + name + "': " + action + " by " + actor.user() + " via " + actor.surface() + " at "
                + Instant.now() + ".\nEdit freely: the server applies a change of this file at once.";
        String version;
        try {
            version = files.write(name, after, header);
        } catch (IOException e) {
            throw new ChangeRefused(Reason.STORAGE, "", "could not write " + files.file(name) + ": " + e);
        }
        audit.record(actor, action, name, before, after);
        return new StreamConfig(name, after, version);
    }

    private StreamFiles.Stored existing(String name, String version) {
        checkName(name);
        StreamFiles.Stored current = stored(name).orElseThrow(() -> new ChangeRefused(Reason.NO_SUCH_STREAM, "name",
                "no stream named '" + name + "' is defined by a file"));
        checkVersion(current, version);
        return current;
    }

    private static void checkVersion(StreamFiles.Stored current, String version) {
        if (version != null && !version.equals(current.version())) {
            throw stale(current.name(), "it was changed meanwhile (version " + current.version() + ")");
        }
    }

    private static ChangeRefused stale(String name, String why) {
        return new ChangeRefused(Reason.STALE, "", "stream '" + name + "' is not at the expected version: " + why);
    }

    private static void checkName(String name) {
        if (!ChangeValidator.validName(name)) {
            throw new ChangeRefused(Reason.BAD_NAME, "name", "'" + name + "' is not a valid stream name: use 1-64 "
                    + "letters, digits, '_' or '-'");
        }
    }

    private Optional<StreamFiles.Stored> stored(String name) {
        try {
            return files.read(name);
        } catch (IOException e) {
            throw new ChangeRefused(Reason.STORAGE, "", "could not read " + files.file(name) + ": " + e);
        }
    }

    /** Trimmed values; an empty value means "use the default", so it is not written. */
    private static Map<String, String> clean(Map<String, String> properties) {
        Map<String, String> m = new TreeMap<>();
        properties.forEach((k, v) -> {
            String t = v == null ? "" : v.trim();
            if (!t.isEmpty()) {
                m.put(k.trim(), t);
            }
        });
        return m;
    }

    private static Setting setting(AttributeDefinition ad, String origin) {
        String[] defaults = ad.getDefaultValue();
        String[] options = ad.getOptionValues();
        return new Setting(ad.getID(), ad.getName(), ad.getDescription() == null ? "" : ad.getDescription(),
                ChangeValidator.typeName(ad.getType()), defaults == null ? "" : String.join(", ", defaults),
                options == null ? List.of() : Arrays.asList(options), ad.getCardinality() != 0, origin);
    }
}
