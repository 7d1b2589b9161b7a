package io.sightline.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.felix.metatype.AD;
import org.apache.felix.metatype.MetaData;
import org.apache.felix.metatype.MetaDataReader;
import org.apache.felix.metatype.OCD;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * Schemas read from the metatype XML the build generated (this bundle's stream metatype and the test pattern
 * plugin's), parsed and validated by Felix's metatype implementation, the one Karaf runs.
 */
public final class MetaTypeFiles implements Schemas {
    private final List<AttributeDefinition> stream;
    private final List<AttributeDefinition> testpattern;
    private final Set<String> installed;

    /** Read from the class path, so other modules' tests can use this (core's test-jar). */
    public MetaTypeFiles(Set<String> installed) throws IOException {
        this.stream = read("OSGI-INF/metatype/io.sightline.core.internal.StreamConfiguration.xml",
                "io.sightline.stream");
        // A copy of what bnd generates for the test pattern plugin (that module builds after this one).
        this.testpattern = read("metatype/io.sightline.stream.source.testpattern.xml",
                "io.sightline.stream.source.testpattern");
        this.installed = installed;
    }

    /** A catalog over {@code etc} with these schemas, for tests of the catalog's users. */
    public static io.sightline.api.control.StreamCatalog catalog(Path etc, Set<String> installed) throws IOException {
        return new Catalog(new StreamFiles(etc), new MetaTypeFiles(installed), new AuditTrail(100));
    }

    @Override
    public List<AttributeDefinition> stream() {
        return stream;
    }

    @Override
    public List<AttributeDefinition> source(String sourceType) {
        return sourceType.equals("testpattern") ? testpattern : null;
    }

    @Override
    public Set<String> installedTypes() {
        return installed;
    }

    private static List<AttributeDefinition> read(String file, String pid) throws IOException {
        MetaData data;
        try (InputStream in = MetaTypeFiles.class.getClassLoader().getResourceAsStream(file)) {
            data = new MetaDataReader().parse(in);
        }
        // Each file holds one OCD; its designate (checked here) binds it to the PID the catalog asks for.
        OCD ocd = (OCD) ((Map<?, ?>) data.getObjectClassDefinitions()).values().iterator().next();
        boolean designated = ((List<?>) data.getDesignates()).stream()
                .anyMatch(d -> pid.equals(((org.apache.felix.metatype.Designate) d).getFactoryPid()));
        if (!designated) {
            throw new IllegalStateException(file + " designates no factory PID " + pid);
        }
        List<AttributeDefinition> ads = new ArrayList<>();
        for (Object o : ocd.getAttributeDefinitions().values()) {
            ads.add(new Adapter((AD) o));
        }
        return ads;
    }

    /** Felix's parsed AD seen through the OSGi interface, as its LocalizedAttributeDefinition does at run time. */
    private record Adapter(AD ad) implements AttributeDefinition {
        public String getName() {
            return ad.getName();
        }

        public String getID() {
            return ad.getID();
        }

        public String getDescription() {
            return ad.getDescription();
        }

        public int getCardinality() {
            return ad.getCardinality();
        }

        public int getType() {
            return ad.getType();
        }

        public String[] getOptionValues() {
            return ad.getOptionValues();
        }

        public String[] getOptionLabels() {
            return ad.getOptionLabels();
        }

        public String validate(String value) {
            return ad.validate(value);
        }

        public String[] getDefaultValue() {
            return ad.getDefaultValue();
        }
    }
}
