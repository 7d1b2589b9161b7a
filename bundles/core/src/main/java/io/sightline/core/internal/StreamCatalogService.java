package io.sightline.core.internal;

import io.sightline.api.control.Actor;
import io.sightline.api.control.AuditEntry;
import io.sightline.api.control.Setting;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.MetaTypeService;

/**
 * Registers the {@link StreamCatalog} over Karaf's {@code etc/} directory ({@code karaf.etc}) and the running
 * server's metatypes. The shell and the admin API both use this one service.
 */
@Component(service = StreamCatalog.class)
public final class StreamCatalogService implements StreamCatalog {
    private static final int AUDIT_ENTRIES = 500;

    @Reference
    private MetaTypeService metaTypes;
    @Reference
    private StreamHub hub;
    private Catalog catalog;

    @Activate
    void activate(BundleContext context) {
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        catalog = new Catalog(new StreamFiles(etc), new MetaTypeSchemas(context, metaTypes, hub),
                new AuditTrail(AUDIT_ENTRIES));
    }

    @Override
    public Optional<StreamConfig> get(String name) {
        return catalog.get(name);
    }

    @Override
    public List<String> names() {
        return catalog.names();
    }

    @Override
    public StreamConfig create(String name, Map<String, String> properties, Actor actor) {
        return catalog.create(name, properties, actor);
    }

    @Override
    public StreamConfig replace(String name, Map<String, String> properties, String version, Actor actor) {
        return catalog.replace(name, properties, version, actor);
    }

    @Override
    public StreamConfig edit(String name, Map<String, String> set, Set<String> unset, String version, Actor actor) {
        return catalog.edit(name, set, unset, version, actor);
    }

    @Override
    public void remove(String name, String version, Actor actor) {
        catalog.remove(name, version, actor);
    }

    @Override
    public StreamConfig stop(String name, String version, Actor actor) {
        return catalog.stop(name, version, actor);
    }

    @Override
    public StreamConfig start(String name, String version, Actor actor) {
        return catalog.start(name, version, actor);
    }

    @Override
    public List<Setting> settings(String sourceType) {
        return catalog.settings(sourceType);
    }

    @Override
    public List<String> sourceTypes() {
        return catalog.sourceTypes();
    }

    @Override
    public void audit(Actor actor, String action, String target) {
        catalog.audit(actor, action, target);
    }

    @Override
    public List<AuditEntry> auditTrail() {
        return catalog.auditTrail();
    }
}
