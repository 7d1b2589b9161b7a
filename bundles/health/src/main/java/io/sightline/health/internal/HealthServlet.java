package io.sightline.health.internal;

import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.BundleContext;
import io.sightline.endpoint.support.WhiteboardServlet;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.api.health.HealthContributor;
import io.sightline.api.health.HealthReport;
import io.sightline.api.health.HealthStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: the worst status of all contributors' reports decides the answer, 200 while nothing is DOWN,
 * 503 otherwise, so load balancers and systemd watchdogs can use it as is. The per-stream details name the streams, so
 * by default only loopback callers see them (no enumeration of streams from the network); others get the status only.
 */
@Component(service = {}, configurationPid = HealthServlet.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HealthServlet.Config.class)
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HealthServlet.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String PID = "io.sightline.health";

    /** Who may see the per-component details. */
    enum Details {
        LOOPBACK, ALWAYS, NEVER
    }

    @ObjectClassDefinition(name = "Sightline health endpoint", description = "GET /health")
    @interface Config {
        @AttributeDefinition(description = "Who sees per-stream and per-component details (which name the streams): "
                + "loopback callers only, everyone, or nobody. Everyone else gets the overall status only.",
                options = { @Option(value = "loopback"), @Option(value = "always"), @Option(value = "never") })
        String details() default "loopback";
    }

    private final transient List<HealthContributor> contributors = new CopyOnWriteArrayList<>();
    private volatile Details details = Details.LOOPBACK;

    /** Registered by hand so that configuration changes never unregister it (WhiteboardServlet says why). */
    private transient WhiteboardServlet registration;

    @Activate
    void activate(BundleContext context, Config config) {
        configure(config);
        registration = WhiteboardServlet.register(context, this, "sightline-health", "/health");
    }

    @Deactivate
    void deactivate() {
        registration.close();
    }

    /** Takes a new configuration while the servlet stays registered: requests in flight finish on the old one. */
    @Modified
    void configure(Config config) {
        details = Details.valueOf(config.details().trim().toUpperCase(java.util.Locale.ROOT));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindContributor(HealthContributor contributor) {
        contributors.add(contributor);
    }

    void unbindContributor(HealthContributor contributor) {
        contributors.remove(contributor);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> body = HealthDocument.build(contributors);
        boolean down = HealthStatus.DOWN.name().toLowerCase().equals(body.get("status"));
        response.setStatus(down ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        JSON.writeValue(response.getOutputStream(), mayShowDetails(request) ? body : Map.of("status", body.get("status")));
    }

    private boolean mayShowDetails(HttpServletRequest request) {
        switch (details) {
            case ALWAYS:
                return true;
            case NEVER:
                return false;
            default:
                return isLoopback(request.getRemoteAddr());
        }
    }

    static boolean isLoopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // a literal address never needs a lookup; anything else is not ours to trust
        }
    }

    /** Builds the JSON document; kept apart from the servlet so it can be tested without a container. */
    static final class HealthDocument {
        private HealthDocument() {
        }

        static Map<String, Object> build(List<HealthContributor> contributors) {
            HealthStatus overall = HealthStatus.UP;
            Map<String, Object> groups = new LinkedHashMap<>();
            for (HealthContributor contributor : contributors) {
                List<HealthReport> reports;
                try {
                    reports = contributor.check();
                } catch (RuntimeException e) {
                    LOG.warn("Health contributor {} failed", contributor.group(), e);
                    reports = List.of(new HealthReport(contributor.group(), HealthStatus.DOWN,
                            Map.of("error", String.valueOf(e))));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> group = (Map<String, Object>) groups.computeIfAbsent(contributor.group(),
                        g -> new LinkedHashMap<String, Object>());
                for (HealthReport report : reports) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("status", report.status().name().toLowerCase());
                    entry.putAll(report.details());
                    group.put(report.name(), entry);
                    overall = overall.worst(report.status());
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", overall.name().toLowerCase());
            body.putAll(groups);
            return body;
        }
    }
}
