package io.sightline.admin.api.internal;

import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.BundleContext;
import io.sightline.endpoint.support.WhiteboardServlet;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.TokenIssuer;
import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.control.Actor;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.transport.PublisherDirectory;
import io.sightline.api.transport.PublisherStats;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin REST API:
 * <ul>
 * <li>{@code GET /api/streams}: every stream with state, viewers and input stats;</li>
 * <li>{@code GET /api/sessions}: every live viewer session ({@code "role": "viewer"}) and WHIP publisher session
 * ({@code "role": "publisher"}), {@code ?role=} for one kind;</li>
 * <li>{@code DELETE /api/sessions/<id>}: ends a session (viewer or publisher);</li>
 * <li>{@code POST /api/streams/<name>/share?ttl=10m}: a read-only share link (needs a {@link TokenIssuer}).</li>
 * </ul>
 * Every request needs HTTP Basic credentials of a JAAS realm user with the admin role (401 with a Basic challenge
 * without valid credentials, 403 without the role). Bearer tokens are not accepted here. Repeated failed logins
 * from one address or for one user name are answered 429 with {@code Retry-After} without a realm login
 * ({@link LoginGuard}).
 */
@Component(service = {}, configurationPid = AdminApiServlet.PID)
@Designate(ocd = AdminApiConfiguration.class)
public final class AdminApiServlet extends HttpServlet {
    static final String PID = "io.sightline.admin.api";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AdminApiServlet.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Reference
    private transient StreamRegistry streams;
    @Reference
    private transient SessionRegistry sessions;
    @Reference
    private transient StreamCatalog catalog;
    private transient volatile ResourceMonitor resources;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile TokenIssuer tokenIssuer;
    /** Present only while this node is a member of a cluster (the optional cluster feature). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile ClusterDirectory clusterDirectory;
    /** The transports that take publishers (the SFU); none without one. */
    private final transient List<PublisherDirectory> publisherDirectories = new CopyOnWriteArrayList<>();

    private transient volatile LoginGuard guard;
    private transient volatile AdminApiConfiguration config;

    /** Registered by hand so that configuration changes never unregister it (WhiteboardServlet says why). */
    private transient WhiteboardServlet registration;

    @Activate
    void activate(BundleContext context, AdminApiConfiguration configuration) {
        configure(configuration);
        resources = new ResourceMonitor(streams, java.nio.file.Path.of(System.getProperty("karaf.log",
                System.getProperty("karaf.data", "data") + "/log")));
        registration = WhiteboardServlet.register(context, this, "sightline-admin-api", "/api/*");
    }

    /** Takes a new configuration while the servlet stays registered: requests in flight finish on the old one. */
    @Modified
    void configure(AdminApiConfiguration configuration) {
        this.config = configuration;
        this.guard = LoginGuard.of(configuration);
    }

    @Deactivate
    void deactivate() {
        registration.close();
        if (resources != null) {
            resources.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindPublisherDirectory(PublisherDirectory directory) {
        publisherDirectories.add(directory);
    }

    void unbindPublisherDirectory(PublisherDirectory directory) {
        publisherDirectories.remove(directory);
    }

    /** For tests: the collaborators DS would inject, and a guard over a JAAS configuration of their own. */
    void use(LoginGuard loginGuard, StreamRegistry streamRegistry, SessionRegistry sessionRegistry,
            TokenIssuer issuer, StreamCatalog streamCatalog, ResourceMonitor monitor) {
        this.catalog = streamCatalog;
        this.resources = monitor;
        this.guard = loginGuard;
        this.streams = streamRegistry;
        this.sessions = sessionRegistry;
        this.tokenIssuer = issuer;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        LoginGuard.Verdict verdict = guard.check(req.getHeader("Authorization"), req.getRemoteAddr());
        if (verdict.throttled()) {
            LOG.debug("admin API {} {} from {}: refused, too many failed logins", req.getMethod(),
                    req.getRequestURI(), req.getRemoteAddr());
            resp.setHeader("Retry-After", Long.toString(verdict.retryAfterSeconds()));
            error(resp, 429, "too many failed logins; try again later");
            return;
        }
        RealmAuthenticator.Result who = verdict.result();
        switch (who.outcome()) {
            case UNAUTHENTICATED -> {
                LOG.debug("admin API {} {} from {}: no valid credentials", req.getMethod(), req.getRequestURI(),
                        req.getRemoteAddr());
                resp.setHeader("WWW-Authenticate", "Basic realm=\"sightline-admin\", charset=\"UTF-8\"");
                error(resp, 401, "credentials of an admin user are required");
                return;
            }
            case NO_ROLE -> {
                LOG.info("admin API {} {} from {}: user {} lacks the admin role", req.getMethod(), req.getRequestURI(),
                        req.getRemoteAddr(), who.user());
                error(resp, 403, "this user may not use the admin API");
                return;
            }
            default -> route(req, resp, who.user());
        }
    }

    /** One operation of the API; {@code openapi.json} documents exactly these (a test checks it). */
    record Route(String method, String template) {
        /** The path parameters when {@code path} fits the template, else null. */
        String[] match(String path) {
            String[] want = template.substring(1).split("/", -1);
            String[] got = path.replaceFirst("^/", "").split("/", -1);
            if (want.length != got.length) {
                return null;
            }
            List<String> params = new java.util.ArrayList<>();
            for (int i = 0; i < want.length; i++) {
                if (want[i].startsWith("{")) {
                    if (got[i].isEmpty()) {
                        return null;
                    }
                    params.add(got[i]);
                } else if (!want[i].equals(got[i])) {
                    return null;
                }
            }
            return params.toArray(String[]::new);
        }
    }

    static final List<Route> ROUTES = List.of(new Route("GET", "/streams"), new Route("POST", "/streams"),
            new Route("GET", "/streams/{name}"), new Route("PUT", "/streams/{name}"),
            new Route("PATCH", "/streams/{name}"), new Route("DELETE", "/streams/{name}"),
            new Route("POST", "/streams/{name}/stop"), new Route("POST", "/streams/{name}/start"),
            new Route("POST", "/streams/{name}/share"), new Route("GET", "/sessions"),
            new Route("DELETE", "/sessions/{id}"), new Route("GET", "/sources"), new Route("GET", "/settings"),
            new Route("GET", "/audit"), new Route("GET", "/resources"), new Route("GET", "/cluster"),
            new Route("GET", "/openapi.json"));

    private void route(HttpServletRequest req, HttpServletResponse resp, String user) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String method = req.getMethod();
        List<String> allowed = new java.util.ArrayList<>();
        for (Route r : ROUTES) {
            String[] p = r.match(path);
            if (p == null) {
                continue;
            }
            if (!r.method().equals(method)) {
                allowed.add(r.method());
                continue;
            }
            dispatch(r, p, req, resp, new Actor(user, "api", req.getRemoteAddr()));
            return;
        }
        if (allowed.isEmpty()) {
            error(resp, 404, "no such resource; see /api/openapi.json");
        } else {
            resp.setHeader("Allow", String.join(", ", allowed));
            error(resp, 405, "use " + String.join(", ", allowed));
        }
    }

    private void dispatch(Route r, String[] p, HttpServletRequest req, HttpServletResponse resp, Actor actor)
            throws IOException {
        StreamWrites writes = new StreamWrites(catalog, streams, sessions);
        switch (r.method() + " " + r.template()) {
            case "GET /streams" -> json(resp, 200, streamList());
            case "POST /streams" -> writes.create(actor, req, resp);
            case "GET /streams/{name}" -> writes.get(p[0], resp);
            case "PUT /streams/{name}" -> writes.put(p[0], actor, req, resp);
            case "PATCH /streams/{name}" -> writes.patch(p[0], actor, req, resp);
            case "DELETE /streams/{name}" -> writes.delete(p[0], actor, req, resp);
            case "POST /streams/{name}/stop" -> writes.stopOrStart(p[0], true, actor, req, resp);
            case "POST /streams/{name}/start" -> writes.stopOrStart(p[0], false, actor, req, resp);
            case "POST /streams/{name}/share" -> share(p[0], actor.user(), req, resp);
            case "GET /sessions" -> sessionList(req, resp);
            case "DELETE /sessions/{id}" -> deleteSession(p[0], actor, req, resp);
            case "GET /sources" -> json(resp, 200, catalog.sourceTypes());
            case "GET /settings" -> json(resp, 200, catalog.settings(req.getParameter("source.type")));
            case "GET /audit" -> json(resp, 200, catalog.auditTrail());
            case "GET /resources" -> json(resp, 200, resources == null ? Map.of() : resources.snapshot());
            case "GET /cluster" -> cluster(resp);
            case "GET /openapi.json" -> openApi(resp);
            default -> error(resp, 404, "no such resource");
        }
    }

    private static void openApi(HttpServletResponse resp) throws IOException {
        try (java.io.InputStream in = AdminApiServlet.class.getResourceAsStream("openapi.json")) {
            resp.setStatus(200);
            resp.setContentType("application/json");
            resp.setHeader("Cache-Control", "no-store");
            in.transferTo(resp.getOutputStream());
        }
    }

    // ---- resources ----------------------------------------------------------------------------------------------

    private List<Map<String, Object>> streamList() {
        return streams.streams().stream().map(AdminApiServlet::streamJson).toList();
    }

    static Map<String, Object> streamJson(Stream s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("state", s.status().state().name().toLowerCase());
        m.put("detail", s.status().detail());
        m.put("since", s.status().sinceMillis());
        m.put("viewers", s.viewerCount());
        m.put("source", s.sourceType());
        m.put("transport", s.transportMode());
        m.put("access", String.valueOf(s.properties().getOrDefault(Stream.ACCESS, "token")));
        StreamStats st = s.stats();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("inputBitrateBps", st.inputBitrateBps());
        stats.put("framesPerSecond", st.framesPerSecond());
        stats.put("keyframeIntervalMs", st.keyframeIntervalMs());
        stats.put("reconnects", st.reconnects());
        stats.put("unitsIn", st.unitsIn());
        stats.put("lastUnitMillis", st.lastUnitMillis());
        m.put("stats", stats);
        m.put("ladder", s.renditions().stream().map(r -> r.width() + "x" + r.height() + "@" + r.bitrateKbps()
                + (r.isLayer() ? " (simulcast " + r.layer() + ")" : "")).toList());
        m.put("renditions", renditionsJson(s.renditionStatus(), System.currentTimeMillis()));
        return m;
    }

    /**
     * The running renditions: rung, codec, viewers, and the encoder's CPU as a share of one core since it started;
     * a simulcast publisher's layers (decision 0048) with {@code "simulcast": true}, their rid and measured size and
     * bitrate, and no encoder ({@code pictures} counts the units the publisher sent).
     */
    static List<Map<String, Object>> renditionsJson(List<RenditionStatus> running, long nowMillis) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (RenditionStatus r : running) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rendition", r.rendition().key());
            m.put("codec", r.rendition().codec().name().toLowerCase());
            m.put("width", r.rendition().width());
            m.put("height", r.rendition().height());
            m.put("bitrateKbps", r.rendition().bitrateKbps());
            m.put("simulcast", r.rendition().isLayer());
            if (r.rendition().isLayer()) {
                m.put("layer", r.rendition().layer());
            }
            m.put("viewers", r.viewers());
            m.put("pictures", r.pictures());
            m.put("encodeCpuSeconds", r.encodeCpuNanos() / 1e9);
            long ranMillis = Math.max(1, nowMillis - r.startedMillis());
            m.put("encodeCpuPercent", Math.round(r.encodeCpuNanos() / 1e4 / ranMillis * 10) / 10.0);
            all.add(m);
        }
        return all;
    }

    private void cluster(HttpServletResponse resp) throws IOException {
        ClusterDirectory directory = clusterDirectory;
        if (directory == null) {
            error(resp, 404, "this node is not a member of a cluster (feature sightline-cluster, docs/cluster.md)");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster", directory.clusterName());
        body.put("configuredMembers", directory.configuredMembers());
        body.put("nodes", directory.nodes());
        body.put("origins", directory.origins());
        json(resp, 200, body);
    }

    private void sessionList(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String role = req.getParameter("role");
        if (role != null && !role.equals("viewer") && !role.equals("publisher")) {
            error(resp, 400, "role must be viewer or publisher");
            return;
        }
        List<Map<String, Object>> all = new ArrayList<>();
        if (role == null || role.equals("viewer")) {
            sessions.sessions().forEach(s -> all.add(sessionJson(s)));
        }
        if (role == null || role.equals("publisher")) {
            for (PublisherDirectory d : publisherDirectories) {
                d.publishers().forEach(p -> all.add(publisherJson(p)));
            }
        }
        json(resp, 200, all);
    }

    /** A publisher in the viewers' shape (id, stream, transport, ...) with its own measurements under stats. */
    private static Map<String, Object> publisherJson(PublisherStats p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("stream", p.streamName());
        m.put("transport", "whip");
        m.put("role", "publisher");
        m.put("remoteAddress", p.remoteAddress());
        m.put("created", p.createdMillis());
        m.put("state", p.state());
        m.put("videoCodec", p.videoCodec());
        m.put("audioCodec", p.audioCodec());
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("bitrateInBps", p.bitrateInBps());
        stats.put("packetsReceived", p.packetsReceived());
        stats.put("bytesReceived", p.bytesReceived());
        stats.put("packetsLost", p.packetsLost());
        stats.put("nacksSent", p.nacksSent());
        stats.put("plisSent", p.plisSent());
        m.put("stats", stats);
        return m;
    }

    private static Map<String, Object> sessionJson(ViewerSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("stream", s.streamName());
        m.put("transport", s.transportMode());
        m.put("role", "viewer");
        m.put("remoteAddress", s.remoteAddress());
        m.put("created", s.createdMillis());
        m.put("state", s.state());
        ViewerStats st = s.stats();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("packetsSent", st.packetsSent());
        stats.put("bytesSent", st.bytesSent());
        stats.put("packetsDropped", st.packetsDropped());
        stats.put("packetsLost", st.packetsLost());
        stats.put("rttMs", st.rttMs());
        stats.put("bandwidthEstimateBps", st.bandwidthEstimateBps());
        stats.put("bandwidthEstimateSource", st.bandwidthEstimateSource());
        stats.put("rendition", st.rendition());
        m.put("stats", stats);
        return m;
    }

    private void deleteSession(String id, Actor actor, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        Optional<ViewerSession> session = sessions.session(id);
        if (session.isEmpty()) {
            for (PublisherDirectory d : publisherDirectories) {
                Optional<PublisherStats> publisher = d.publishers().stream().filter(p -> p.id().equals(id))
                        .findFirst();
                if (publisher.isPresent() && d.close(id)) {
                    catalog.audit(actor, "kick", publisher.get().streamName() + " publisher " + id);
                    resp.setStatus(204);
                    return;
                }
            }
            error(resp, 404, "no such session");
            return;
        }
        session.get().close();
        catalog.audit(actor, "kick", session.get().streamName() + " session " + id);
        resp.setStatus(204);
    }

    private void share(String name, String user, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        TokenIssuer issuer = tokenIssuer;
        if (issuer == null) {
            resp.setHeader("Retry-After", "60");
            error(resp, 503, "no token issuer is installed (feature sightline-auth-jwt)");
            return;
        }
        Optional<Stream> stream = streams.find(name);
        if (stream.isEmpty()) {
            error(resp, 404, "no such stream");
            return;
        }
        Duration ttl;
        try {
            String asked = req.getParameter("ttl");
            ttl = Ttl.parse(asked == null ? config.share_default_ttl() : asked);
            Duration max = Ttl.parse(config.share_max_ttl());
            if (ttl.compareTo(max) > 0) {
                throw new IllegalArgumentException("ttl may be at most " + config.share_max_ttl());
            }
        } catch (IllegalArgumentException e) {
            error(resp, 400, e.getMessage());
            return;
        }
        String token = issuer.issue(name, Set.of(Action.READ), ttl, "share by " + user);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("stream", name);
        body.put("expires", Instant.now().plus(ttl).toString());
        body.put("token", token);
        body.put("url", baseUrl(req) + "/play/" + name + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        LOG.info("admin {} from {} created a share link for {} valid {}", user, req.getRemoteAddr(), name, ttl);
        json(resp, 201, body);
    }

    private static String baseUrl(HttpServletRequest req) {
        StringBuilder url = new StringBuilder(req.getScheme()).append("://").append(req.getServerName());
        int port = req.getServerPort();
        if (!(port == 80 && "http".equals(req.getScheme())) && !(port == 443 && "https".equals(req.getScheme()))) {
            url.append(':').append(port);
        }
        return url.append(req.getContextPath()).toString();
    }

    // ---- responses ----------------------------------------------------------------------------------------------

    static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        JSON.writeValue(resp.getOutputStream(), body);
    }

    static void error(HttpServletResponse resp, int status, String message) throws IOException {
        json(resp, status, Map.of("error", message));
    }
}
