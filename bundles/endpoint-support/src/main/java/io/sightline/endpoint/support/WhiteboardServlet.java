package io.sightline.endpoint.support;

import java.util.Dictionary;
import java.util.Hashtable;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A servlet registered with the OSGi HTTP whiteboard under service properties that never change.
 *
 * <p>Why not {@code @Component(service = Servlet.class)} with the whiteboard property annotations: Declarative
 * Services copies a component's configuration into its service properties, and Pax Web answers any change of a
 * servlet's service properties by unregistering and registering the servlet again. Every write of the component's
 * configuration file then made the endpoint answer 404 for seconds (issue 18: 140 of 140 WHEP POSTs in that window
 * failed), although the component's {@code @Modified} method had already swapped the settings. A component that
 * registers itself through this class (with {@code service = {}}) keeps its servlet registered across
 * configuration changes; only its deactivation unregisters it.
 */
public final class WhiteboardServlet implements AutoCloseable {
    private final ServiceRegistration<Servlet> registration;

    private WhiteboardServlet(ServiceRegistration<Servlet> registration) {
        this.registration = registration;
    }

    /**
     * Registers the servlet with the whiteboard's default context.
     *
     * @param name     the servlet name ({@code osgi.http.whiteboard.servlet.name})
     * @param patterns the URL patterns ({@code osgi.http.whiteboard.servlet.pattern})
     */
    public static WhiteboardServlet register(BundleContext context, Servlet servlet, String name, String... patterns) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.name", name);
        props.put("osgi.http.whiteboard.servlet.pattern", patterns.length == 1 ? patterns[0] : patterns.clone());
        return new WhiteboardServlet(context.registerService(Servlet.class, servlet, props));
    }

    /** Unregisters the servlet; a second call, or one after the bundle stopped, does nothing. */
    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyUnregistered) {
            // the framework removed it with the bundle
        }
    }
}
