package io.sightline.core.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance per stream factory configuration ({@code etc/io.sightline.stream-<name>.cfg}): creating, editing or
 * deleting the file defines, reconfigures or removes that stream, and only that stream.
 */
@Component(configurationPid = StreamDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = StreamConfiguration.class, factory = true)
public final class StreamDefinition {
    /** The factory PID of stream configurations. */
    public static final String FACTORY_PID = "io.sightline.stream";
    private static final Logger LOG = LoggerFactory.getLogger(StreamDefinition.class);

    @Reference
    private StreamHub hub;
    private String definedName;

    @Activate
    void activate(Map<String, Object> properties) {
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        StreamSettings settings = parse(properties);
        if (settings != null && settings.name().equals(definedName)) {
            if (settings.refusal() != null && hub.runsValidSettings(definedName)) {
                // A bad edit of a running stream's file is refused whole: its viewers keep watching on the
                // previous settings, as the token provider keeps its previous keys.
                LOG.error("Stream '{}' keeps its previous settings: {}", definedName, settings.refusal());
                return;
            }
            hub.redefine(settings);
        } else {
            deactivate();
            apply(properties);
        }
    }

    @Deactivate
    void deactivate() {
        if (definedName != null) {
            hub.undefine(definedName);
            definedName = null;
        }
    }

    private void apply(Map<String, Object> properties) {
        StreamSettings settings = parse(properties);
        if (settings != null && hub.define(settings)) {
            definedName = settings.name();
        }
    }

    /**
     * The stream's settings, or, for a file with a bad value, settings that define the stream as failed (the reason
     * names the file and the key); null (logged) when the file gives no usable stream name.
     */
    private static StreamSettings parse(Map<String, Object> properties) {
        try {
            return StreamSettings.from(properties);
        } catch (IllegalArgumentException e) {
            Object file = properties.getOrDefault("felix.fileinstall.filename", properties.get("service.pid"));
            StreamSettings refused = StreamSettings.refused(properties,
                    "configuration refused: " + e.getMessage() + " (" + file + ")");
            LOG.error("Ignoring stream configuration {}: {}", file, e.getMessage());
            return refused;
        }
    }
}
