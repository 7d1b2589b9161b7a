package io.sightline.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every key of the {@code etc/*.cfg} files the distribution ships for Sightline PIDs is declared by a metatype of the
 * built bundles (issue 13, point 4: one owner per key, and the README's "every property is in the metatype").
 *
 * <ul>
 *   <li>A singleton PID's file ({@code io.sightline.transport.sfu.cfg}) documents the server's settings: each value
 *       must be the metatype's default, so editing one of the two without the other fails here.</li>
 *   <li>A factory configuration (a stream, {@code io.sightline.stream-demo.cfg}) is an instance, whose values may
 *       differ from the defaults on purpose (the demo is public): each key must be declared by the stream's
 *       metatype or by the one its capture plugin designates for {@code io.sightline.stream.source.<source.type>}
 *       (where the control plane looks too), and each value must be one the declaration allows (its type, its
 *       options).</li>
 * </ul>
 * Third-party PIDs ({@code org.ops4j.pax.web}, {@code org.apache.karaf.*}) are not checked: their owners are outside.
 */
class ShippedConfigurationTest {
    private static final String STREAM_FACTORY_PID = "io.sightline.stream";
    /** Where a capture plugin declares its keys of a stream (the API's CaptureSourceFactory.SETTINGS_PID_PREFIX). */
    private static final String SOURCE_SETTINGS_PID_PREFIX = "io.sightline.stream.source.";
    private static Path etc;
    private static Metatypes metatypes;

    @BeforeAll
    static void readBuiltMetatypes() throws IOException {
        Path root = Path.of(System.getProperty("sightline.root", "..")).toRealPath();
        etc = root.resolve("karaf-assembly/src/main/resources/etc");
        List<BundleManifest> bundles = new ArrayList<>();
        for (URL url : Collections.list(
                ShippedConfigurationTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            BundleManifest b = BundleManifest.read(url);
            if (b != null && b.symbolicName().startsWith(DependencyRule.NAMESPACE)) {
                bundles.add(b);
            }
        }
        metatypes = Metatypes.read(bundles);
    }

    @Test
    void everyShippedKeyIsDeclaredByItsOwnersMetatype() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path file : shippedSightlineFiles()) {
            String pid = file.getFileName().toString().replaceFirst("\\.cfg$", "");
            Map<String, String> values = read(file);
            int dash = pid.indexOf('-');
            if (dash < 0) {
                Map<String, Metatypes.Attribute> declared = metatypes.declared(pid);
                for (Map.Entry<String, String> e : values.entrySet()) {
                    Metatypes.Attribute a = declared.get(e.getKey());
                    if (a == null) {
                        problems.add(file.getFileName() + ": " + e.getKey() + " is declared by no metatype for " + pid);
                    } else if (!sameValue(a.dflt(), e.getValue())) {
                        problems.add(file.getFileName() + ": " + e.getKey() + " = '" + e.getValue()
                                + "' but the metatype's default is '" + a.dflt() + "'");
                    }
                    checked++;
                }
            } else {
                Map<String, Metatypes.Attribute> declared = declaredForInstance(pid.substring(0, dash), values);
                for (Map.Entry<String, String> e : values.entrySet()) {
                    Metatypes.Attribute a = declared.get(e.getKey());
                    if (a == null) {
                        problems.add(file.getFileName() + ": " + e.getKey() + " is declared neither by the "
                                + pid.substring(0, dash) + " metatype nor by its source plugin's");
                    } else {
                        String why = invalid(a, e.getValue());
                        if (why != null) {
                            problems.add(file.getFileName() + ": " + e.getKey() + " = '" + e.getValue() + "': " + why);
                        }
                    }
                    checked++;
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("Shipped configuration files and the metatypes disagree:\n  " + String.join("\n  ", problems));
        }
        assertFalse(checked == 0, "no key was checked: the etc directory moved?");
    }

    @Test
    void theCheckSeesTheDeclarationsItJudges() {
        // Guards the reading: if parsing went wrong, "no problems" would mean nothing.
        assertEquals("8189", metatypes.declared("io.sightline.transport.sfu").get("udp.port").dflt());
        assertEquals("token", metatypes.declared(STREAM_FACTORY_PID).get("access").dflt());
        assertEquals("30", metatypes.declared(SOURCE_SETTINGS_PID_PREFIX + "testpattern").get("source.fps").dflt());
        assertEquals("30", metatypes.declared("io.sightline.source.testpattern").get("source.fps").dflt(),
                "the plugin-wide defaults are the same declaration");
        assertNotNull(metatypes.declared(SOURCE_SETTINGS_PID_PREFIX + "rtsp").get("source.rtsp.transport"));
        assertNotNull(metatypes.declared(SOURCE_SETTINGS_PID_PREFIX + "v4l2").get("source.device"));
        assertEquals("'x' is not a Integer", invalid(new Metatypes.Attribute("k", "Integer", "", List.of()), "x"));
    }

    /** The stream's own keys plus those of the plugin that serves its {@code source.type}. */
    private static Map<String, Metatypes.Attribute> declaredForInstance(String factoryPid, Map<String, String> values) {
        Map<String, Metatypes.Attribute> declared = new HashMap<>(metatypes.declared(factoryPid));
        if (factoryPid.equals(STREAM_FACTORY_PID)) {
            String sourceType = values.getOrDefault("source.type", declared.get("source.type").dflt());
            metatypes.declared(SOURCE_SETTINGS_PID_PREFIX + sourceType).forEach(declared::putIfAbsent);
        }
        return declared;
    }

    private static String invalid(Metatypes.Attribute a, String value) {
        for (String v : value.isBlank() ? List.<String>of() : Arrays.asList(value.split(","))) {
            v = v.strip();
            if (!a.options().isEmpty() && !a.options().contains(v)) {
                return "not one of " + a.options();
            }
            try {
                switch (a.type()) {
                    case "Integer" -> Integer.parseInt(v);
                    case "Long" -> Long.parseLong(v);
                    case "Boolean" -> {
                        if (!v.equals("true") && !v.equals("false")) {
                            return "'" + v + "' is not a Boolean";
                        }
                    }
                    default -> {
                    }
                }
            } catch (NumberFormatException e) {
                return "'" + v + "' is not a " + a.type();
            }
        }
        return null;
    }

    /** Lists compare element by element: {@code a, b} in a file is the metatype's {@code a,b}. */
    private static boolean sameValue(String dflt, String value) {
        return Arrays.stream(dflt.split(",")).map(String::strip).toList()
                .equals(Arrays.stream(value.split(",")).map(String::strip).toList());
    }

    private static List<Path> shippedSightlineFiles() throws IOException {
        try (Stream<Path> files = Files.list(etc)) {
            return files.filter(f -> f.getFileName().toString().startsWith("io.sightline.")
                    && f.toString().endsWith(".cfg")).sorted().toList();
        }
    }

    private static Map<String, String> read(Path cfg) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(cfg)) {
            p.load(r);
        }
        Map<String, String> values = new HashMap<>();
        p.forEach((k, v) -> values.put(k.toString(), v.toString().strip()));
        return values;
    }
}
