package io.sightline.core.internal;

import io.sightline.api.source.CaptureSourceFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The metatypes as the running server has them: the stream's from this bundle, a plugin's from the bundle that
 * registered the {@link CaptureSourceFactory} for the type (PID {@link CaptureSourceFactory#SETTINGS_PID_PREFIX}
 * + type), so a plugin installed later is validated without a restart of the core.
 */
final class MetaTypeSchemas implements Schemas {
    private final BundleContext context;
    private final MetaTypeService metaTypes;
    private final StreamHub hub;

    MetaTypeSchemas(BundleContext context, MetaTypeService metaTypes, StreamHub hub) {
        this.context = context;
        this.metaTypes = metaTypes;
        this.hub = hub;
    }

    @Override
    public List<AttributeDefinition> stream() {
        List<AttributeDefinition> ads = attributes(context.getBundle(), StreamDefinition.FACTORY_PID);
        if (ads == null) {
            throw new IllegalStateException("the stream metatype " + StreamDefinition.FACTORY_PID + " is missing");
        }
        return ads;
    }

    @Override
    public List<AttributeDefinition> source(String sourceType) {
        try {
            for (ServiceReference<CaptureSourceFactory> ref : context.getServiceReferences(CaptureSourceFactory.class,
                    "(" + CaptureSourceFactory.SOURCE_TYPE + "=" + sourceType.replaceAll("[()*\\\\]", "") + ")")) {
                List<AttributeDefinition> ads = attributes(ref.getBundle(),
                        CaptureSourceFactory.SETTINGS_PID_PREFIX + sourceType);
                if (ads != null) {
                    return ads;
                }
            }
        } catch (InvalidSyntaxException e) {
            return null;
        }
        return null;
    }

    @Override
    public Set<String> installedTypes() {
        return new HashSet<>(hub.sourceTypes());
    }

    private List<AttributeDefinition> attributes(Bundle bundle, String pid) {
        if (bundle == null) {
            return null;
        }
        MetaTypeInformation info = metaTypes.getMetaTypeInformation(bundle);
        if (info == null || !Arrays.asList(info.getFactoryPids()).contains(pid)) {
            return null;
        }
        ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
        AttributeDefinition[] ads = ocd == null ? null : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        return ads == null ? null : List.of(ads);
    }
}
