package io.sightline.source.example.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GradientSourceFactoryTest {
    private static final Path OSGI_INF = Path.of("target/classes/OSGI-INF");

    /** A factory activated as DS activates it without a plugin configuration: with the annotation defaults. */
    static GradientSourceFactory factoryWithDefaults() {
        return factoryWith(Map.of());
    }

    /** A factory activated with a plugin configuration ({@code etc/io.sightline.source.example.cfg}). */
    static GradientSourceFactory factoryWith(Map<String, Object> pluginConfig) {
        GradientDefaults defaults = (GradientDefaults) Proxy.newProxyInstance(
                GradientDefaults.class.getClassLoader(), new Class<?>[] {GradientDefaults.class},
                (proxy, method, args) -> {
                    Object value = pluginConfig.get(key(method));
                    return value != null ? value : method.getDefaultValue();
                });
        GradientSourceFactory factory = new GradientSourceFactory();
        factory.configure(defaults);
        return factory;
    }

    /** The DS/metatype mapping of an attribute method to a property key: {@code source_fps} is {@code source.fps}. */
    private static String key(Method m) {
        return m.getName().replace('_', '.');
    }

    @Test
    void streamKeysOverridePluginDefaultsWhichOverrideBuiltInDefaults() {
        assertEquals(new GradientSettings(640, 360, 30, 0), settingsOf(factoryWithDefaults(), Map.of()));

        GradientSourceFactory configured = factoryWith(Map.of("source.fps", 10, "source.width", 320));
        assertEquals(new GradientSettings(320, 360, 10, 0), settingsOf(configured, Map.of()));
        assertEquals(new GradientSettings(320, 360, 15, 0), settingsOf(configured, Map.of("source.fps", "15")));
    }

    @Test
    void componentDescriptionRegistersTheFactoryUnderItsSourceType() throws IOException {
        String xml = Files.readString(OSGI_INF.resolve(GradientSourceFactory.class.getName() + ".xml"));
        assertTrue(xml.contains("<property name=\"source.type\" type=\"String\" value=\"" + GradientSourceFactory.TYPE
                + "\"/>"), xml);
        assertTrue(xml.contains("configuration-pid=\"" + GradientSourceFactory.PID + "\""), xml);
        assertTrue(xml.contains("io.sightline.api.source.CaptureSourceFactory"), xml);
    }

    @Test
    void metatypeDescribesEveryKeyTheSourceReads() throws IOException {
        Path metatype = OSGI_INF.resolve("metatype/" + GradientSourceFactory.PID + ".xml");
        String xml = Files.readString(metatype);
        for (String key : Set.of(GradientSettings.WIDTH, GradientSettings.HEIGHT, GradientSettings.FPS,
                GradientSettings.FAIL_AFTER_FRAMES)) {
            assertTrue(xml.contains("id=\"" + key + "\""), key + " missing from " + metatype);
        }
    }

    /** The sample stream file shipped for integrators must stay valid and agree with the built-in defaults. */
    @Test
    void sampleStreamConfigurationMatchesTheDefaults() throws IOException {
        Properties sample = new Properties();
        Path file = Path.of("etc/io.sightline.stream-" + GradientSourceFactory.TYPE + ".cfg");
        try (Reader r = Files.newBufferedReader(file)) {
            sample.load(r);
        }
        Map<String, Object> config = new TreeMap<>();
        sample.forEach((k, v) -> config.put(k.toString(), v.toString()));
        assertEquals(GradientSourceFactory.TYPE, config.get("source.type"));
        Map<String, Object> sourceKeys = new HashMap<>(config);
        sourceKeys.remove("source.type");
        sourceKeys.remove("access");
        assertEquals(Set.of(GradientSettings.WIDTH, GradientSettings.HEIGHT, GradientSettings.FPS,
                GradientSettings.FAIL_AFTER_FRAMES), sourceKeys.keySet());
        assertEquals(settingsOf(factoryWithDefaults(), Map.of()), settingsOf(factoryWithDefaults(), config));
    }

    private static GradientSettings settingsOf(GradientSourceFactory factory, Map<String, Object> streamConfig) {
        return ((GradientSource) factory.create(new RecordingSink(streamConfig))).settings();
    }
}
