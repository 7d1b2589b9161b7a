package io.sightline.core.internal;

import java.util.List;
import java.util.Set;
import org.osgi.service.metatype.AttributeDefinition;

/** Where the catalog finds the metatypes it validates against and the capture plugins installed now. */
interface Schemas {
    /** The attributes of the stream's own metatype (factory PID {@code io.sightline.stream}). */
    List<AttributeDefinition> stream();

    /**
     * The attributes a capture plugin declares for its {@code source.*} keys, or null when the plugin declares none
     * (its keys are then taken as written, unvalidated).
     */
    List<AttributeDefinition> source(String sourceType);

    /** The source types of the capture plugins installed now. */
    Set<String> installedTypes();
}
