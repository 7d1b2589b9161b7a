package io.sightline.metrics.internal;

import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.BundleContext;
import io.sightline.endpoint.support.WhiteboardServlet;
import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.cluster.EdgeRelays;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.transport.SessionRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: stream, viewer and process metrics in the Prometheus text format 0.0.4, for Prometheus,
 * VictoriaMetrics, Grafana Agent and the like. The labels name every stream, so only callers from
 * {@code allow.from} (loopback by default) get the page, and with {@code bearer.token.file} set they must also send
 * the token. Refusals are a bare 403 or 401 with no body.
 */
@Component(service = {}, configurationPid = MetricsServlet.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsConfiguration.class)
public final class MetricsServlet extends HttpServlet {
    static final String PID = "io.sightline.metrics";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServlet.class);

    private final transient ProcessMetrics process = new ProcessMetrics();
    private transient volatile ScrapeAccess access;
    private transient volatile StreamMetrics streamMetrics;
    private transient volatile int lastSize = 4096;

    @Reference
    private transient StreamRegistry streams;
    @Reference
    private transient SessionRegistry sessions;
    /** Present only while this node is a member of a cluster (the optional cluster feature). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ClusterDirectory cluster;
    /** This node's relays; registered by the cluster feature next to the directory. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile EdgeRelays relays;

    /** Registered by hand so that configuration changes never unregister it (WhiteboardServlet says why). */
    private transient WhiteboardServlet registration;

    @Activate
    void activate(BundleContext context, MetricsConfiguration config) {
        configure(config);
        registration = WhiteboardServlet.register(context, this, "sightline-metrics", "/metrics");
    }

    @Deactivate
    void deactivate() {
        registration.close();
    }

    /** Takes a new configuration while the servlet stays registered: requests in flight finish on the old one. */
    @Modified
    void configure(MetricsConfiguration config) {
        use(ScrapeAccess.of(config.allow_from(), config.bearer_token_file()), streams, sessions,
                config.viewer_stats_interval_seconds() * 1000L);
        LOG.info("GET /metrics: {}", access);
    }

    /** Wires the collaborators; DS does it through {@link #configure}, tests call it directly. */
    void use(ScrapeAccess rules, StreamRegistry streamRegistry, SessionRegistry sessionRegistry,
            long viewerStatsIntervalMillis) {
        this.streams = streamRegistry;
        this.sessions = sessionRegistry;
        this.streamMetrics = new StreamMetrics(streamRegistry, sessionRegistry, viewerStatsIntervalMillis);
        this.access = rules;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        switch (access.decide(request.getRemoteAddr(), request.getHeader("Authorization"))) {
            case FORBIDDEN -> {
                LOG.debug("GET /metrics from {} refused: address not allowed", request.getRemoteAddr());
                refuse(response, HttpServletResponse.SC_FORBIDDEN);
            }
            case UNAUTHORIZED -> {
                LOG.debug("GET /metrics from {} refused: no valid bearer token", request.getRemoteAddr());
                response.setHeader("WWW-Authenticate", "Bearer realm=\"sightline-metrics\"");
                refuse(response, HttpServletResponse.SC_UNAUTHORIZED);
            }
            default -> {
                byte[] body = page().getBytes(StandardCharsets.UTF_8);
                response.setStatus(HttpServletResponse.SC_OK);
                response.setContentType(TextExposition.CONTENT_TYPE);
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
            }
        }
    }

    /** The whole page as text. */
    String page() {
        TextExposition out = new TextExposition(lastSize + lastSize / 8);
        streamMetrics.write(out, System.nanoTime());
        ClusterMetrics.write(out, cluster, relays);
        process.write(out);
        String text = out.text();
        lastSize = text.length();
        return text;
    }

    private static void refuse(HttpServletResponse response, int status) {
        response.setStatus(status);
        response.setContentLength(0);
    }
}
