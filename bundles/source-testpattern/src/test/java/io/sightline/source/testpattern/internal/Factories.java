package io.sightline.source.testpattern.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Factories activated as DS activates them, with the metatype's defaults or a plugin configuration over them. */
final class Factories {
    private Factories() {
    }

    static TestPatternDefaults defaults(Map<String, Object> pluginConfig) {
        return (TestPatternDefaults) Proxy.newProxyInstance(TestPatternDefaults.class.getClassLoader(),
                new Class<?>[] {TestPatternDefaults.class}, (proxy, method, args) -> {
                    // DS maps source_fps to source.fps
                    Object value = pluginConfig.get(method.getName().replace('_', '.'));
                    return value != null ? value : method.getDefaultValue();
                });
    }

    static TestPatternSourceFactory factory(Map<String, Object> pluginConfig) {
        TestPatternSourceFactory factory = new TestPatternSourceFactory();
        factory.configure(defaults(pluginConfig));
        return factory;
    }
}
