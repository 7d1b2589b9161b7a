package io.sightline.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the one {@link SightlineServer} of the test run: started on first use, kept in the root store and
 * closed when the run ends, whatever the outcome. Paths come from failsafe's system properties.
 */
final class SightlineServerExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SightlineServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        return store.getOrComputeIfAbsent(SightlineServerExtension.class, key -> new Running(start()), Running.class)
                .server();
    }

    private static SightlineServer start() {
        try {
            return SightlineServer.start(Path.of(property("sightline.distribution")), Path.of(property("e2e.workDir")));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Sightline distribution: " + e.getMessage(), e);
        }
    }

    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (run through mvn -Pe2e verify)");
        }
        return value;
    }

    /** Closed by JUnit with the root context. */
    private record Running(SightlineServer server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
        }
    }
}
