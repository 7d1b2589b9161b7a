package io.sightline.signaling.whep.internal;

import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.BundleContext;
import io.sightline.endpoint.support.WhiteboardServlet;
import io.sightline.endpoint.support.ThrottledLog;

import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.AuthProvider;
import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.cluster.ClusterNode;
import io.sightline.api.cluster.EdgeRelays;
import io.sightline.api.cluster.RemoteStream;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.SessionRequest;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportStrategy;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WHEP endpoint (draft-ietf-wish-whep): {@code POST /whep/<stream>} with an SDP offer creates a viewer session
 * at {@code /whep/<stream>/<session>}, which takes {@code PATCH} (trickle ICE, ICE restart) and {@code DELETE}.
 *
 * <p>Every request is rate limited per client address and authorized before anything is allocated
 * (docs/decisions/0014-access-gate.md), and every refusal is a precise status with a short plain-text reason and a
 * log line, throttled per status so a flood cannot flood the log. Credentials are never logged.
 */
@Component(service = {}, configurationPid = WhepServlet.PID)
@Designate(ocd = WhepConfiguration.class)
public final class WhepServlet extends HttpServlet {
    static final String PID = "io.sightline.signaling.whep";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WhepServlet.class);
    private static final String SDP = SignalingHttp.SDP;
    private static final String SDP_FRAG = SignalingHttp.SDP_FRAG;
    /** What a session resource answers to: GET (the server's estimate for it), PATCH, DELETE. */
    private static final String SESSION_METHODS = "GET, PATCH, DELETE, OPTIONS";
    /** How long a viewer's POST waits for a relay's stream file to be read and its stream registered. */
    private static final Duration RELAY_WAIT = Duration.ofSeconds(10);
    private static final ThrottledLog REFUSALS = new ThrottledLog(LOG, 5, TimeUnit.SECONDS.toNanos(10),
            System::nanoTime);

    private final transient List<AuthProvider> authProviders = new CopyOnWriteArrayList<>();
    private final transient Map<String, TransportStrategy> transports = new ConcurrentHashMap<>();
    /** Current strong entity tag of each session's ICE state (changes on ICE restart). */
    private final transient Map<String, String> etags = new ConcurrentHashMap<>();
    /** Who created each session: PATCH and DELETE must come from the same principal. */
    private final transient Map<String, String> owners = new ConcurrentHashMap<>();
    private transient volatile WhepConfiguration config;
    /** The request handling shared with the WHIP endpoint, for the current configuration. */
    private transient volatile SignalingEdge edge;
    private final transient SessionQuota quota = new SessionQuota(0, 0);

    @Reference
    private transient StreamRegistry streams;
    @Reference
    private transient SessionRegistry sessions;
    /** Present only while this node is a member of a cluster (the optional cluster feature). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ClusterDirectory cluster;

    /** Present only while this node is a member of a cluster: relays of streams other nodes ingest. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile EdgeRelays relays;

    /** Registered by hand so that configuration changes never unregister it (WhiteboardServlet says why). */
    private transient WhiteboardServlet registration;

    @Activate
    void activate(BundleContext context, WhepConfiguration configuration) {
        configure(configuration);
        registration = WhiteboardServlet.register(context, this, "sightline-whep", "/whep/*");
    }

    @Deactivate
    void deactivate() {
        registration.close();
    }

    /** Takes a new configuration while the servlet stays registered: requests in flight finish on the old one. */
    @Modified
    void configure(WhepConfiguration configuration) {
        this.config = configuration;
        this.edge = new SignalingEdge("WHEP", LOG, REFUSALS, configuration);
        quota.limits(configuration.max_sessions_per_stream(), configuration.max_sessions_total());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindAuthProvider(AuthProvider provider) {
        authProviders.add(provider);
    }

    void unbindAuthProvider(AuthProvider provider) {
        authProviders.remove(provider);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindTransport(TransportStrategy transport, Map<String, Object> props) {
        transports.put(String.valueOf(props.get(TransportStrategy.TRANSPORT_MODE)), transport);
    }

    void unbindTransport(TransportStrategy transport) {
        transports.values().removeIf(t -> t == transport);
    }

    // ---- routing ------------------------------------------------------------------------------------------------

    /** {@code /whep/<stream>[/<session>]}, parsed. */
    record Target(String stream, String session) {
        static Target parse(String pathInfo) {
            if (pathInfo == null || pathInfo.length() < 2) {
                return null;
            }
            String[] parts = pathInfo.substring(1).split("/", -1);
            if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
                return null;
            }
            return new Target(parts[0], parts.length == 2 ? parts[1] : null);
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Target target = edge.admit(req, resp);
        if (target == null) {
            return;
        }
        String method = req.getMethod();
        switch (method) {
            case "OPTIONS" -> options(target, resp);
            case "GET" -> {
                if (target.session() == null) {
                    edge.methodNotAllowed(req, resp, "POST, OPTIONS");
                } else {
                    estimate(target, req, resp);
                }
            }
            case "POST" -> {
                if (target.session() != null) {
                    edge.methodNotAllowed(req, resp, SESSION_METHODS);
                } else {
                    post(target, req, resp);
                }
            }
            case "PATCH" -> {
                if (target.session() == null) {
                    edge.methodNotAllowed(req, resp, "POST, OPTIONS");
                } else {
                    patch(target, req, resp);
                }
            }
            case "DELETE" -> {
                if (target.session() == null) {
                    edge.methodNotAllowed(req, resp, "POST, OPTIONS");
                } else {
                    delete(target, req, resp);
                }
            }
            default -> edge.methodNotAllowed(req, resp, target.session() == null ? "POST, OPTIONS" : SESSION_METHODS);
        }
    }

    private void options(Target target, HttpServletResponse resp) {
        resp.setStatus(204);
        if (target.session() == null) {
            resp.setHeader("Accept-Post", SDP);
        } else {
            resp.setHeader("Accept-Patch", SDP_FRAG);
        }
    }

    // ---- POST: create a session ---------------------------------------------------------------------------------

    private void post(Target target, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long start = System.nanoTime();
        if (!hasType(req, SDP)) {
            edge.refuse(req, resp, 415, "Content-Type must be application/sdp");
            return;
        }
        if (req.getContentLengthLong() > config.max_body_bytes()) {
            edge.refuse(req, resp, 413, "body larger than " + config.max_body_bytes() + " bytes");
            return;
        }
        Optional<Stream> found = streams.find(target.stream());
        EdgeRelays edgeRelays = relays;
        Optional<RemoteStream> remote = found.isEmpty() && edgeRelays != null ? edgeRelays.remote(target.stream())
                : Optional.empty();
        // A stream another node ingests is judged on its settings there, before anything starts for it here.
        AccessGate.Verdict verdict = remote.isPresent()
                ? authorize(req, target.stream(), remote.get().accessProperties()) : authorize(req, target.stream(), found);
        if (verdict.outcome() != AccessGate.Outcome.ALLOWED) {
            refuseAccess(req, resp, verdict);
            return;
        }
        if (remote.isPresent()) {
            found = relayed(req, resp, edgeRelays, remote.get(), verdict);
            if (found.isEmpty()) {
                return;
            }
        }
        Stream stream = found.get();
        if (stream.status().state() == StreamState.STOPPED) {
            // 423, not 409/503: a generic WHEP client should not retry in a loop, and the player can say "stopped"
            // (an operator's decision) instead of "offline"; Retry-After tells our player when to look again.
            edge.retryLater(req, resp, 423, "stream stopped by an operator");
            return;
        }
        Optional<ClusterNode> elsewhere = redirectTarget(stream.name(), verdict);
        if (elsewhere.isPresent()) {
            redirect(req, resp, stream.name(), elsewhere.get());
            return;
        }
        SessionQuota.Refusal full = quota.reserve(stream.name());
        if (full != SessionQuota.Refusal.NONE) {
            edge.retryLater(req, resp, 503, full == SessionQuota.Refusal.STREAM_FULL
                    ? "this stream has reached its viewer limit" : "the server has reached its viewer limit");
            return;
        }
        ViewerSession session = null;
        try {
            session = open(stream, verdict, req, resp);
        } finally {
            if (session == null) {
                quota.release(stream.name());
            }
        }
        if (session == null) {
            return;
        }
        String etag = newEtag();
        String id = session.id();
        etags.put(id, etag);
        owners.put(id, verdict.principal());
        AtomicBoolean released = new AtomicBoolean();
        session.onClosed(() -> {
            etags.remove(id);
            owners.remove(id);
            if (released.compareAndSet(false, true)) {
                quota.release(stream.name());
            }
        });
        sessions.register(session);
        resp.setStatus(201);
        resp.setContentType(SDP);
        resp.setHeader("Location", req.getContextPath() + req.getServletPath() + "/" + stream.name() + "/"
                + session.id());
        resp.setHeader("ETag", etag);
        for (String link : iceServerLinks()) {
            resp.addHeader("Link", link);
        }
        byte[] body = session.answerSdp().getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
        LOG.info("WHEP 201 {} for {} from {} as {}: session {} ({}) in {} ms", req.getMethod(), stream.name(),
                req.getRemoteAddr(), verdict.principal(), session.id(), session.transportMode(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * A stream this node does not define but another node ingests: a loaded node sends the viewer elsewhere before it
     * starts anything; otherwise the relay is started (once per stream, however many viewers ask at once) and the
     * request waits until it is registered here. Then the session opens as on any starting stream: the transport
     * waits for its tracks (the answer's codecs are the origin's) and the picture follows at the first keyframe.
     * Empty, with the refusal sent, when the relay cannot be had.
     */
    private Optional<Stream> relayed(HttpServletRequest req, HttpServletResponse resp, EdgeRelays edgeRelays,
            RemoteStream remote, AccessGate.Verdict verdict) throws IOException {
        Optional<ClusterNode> elsewhere = redirectTarget(remote.stream(), verdict);
        if (elsewhere.isPresent()) {
            redirect(req, resp, remote.stream(), elsewhere.get());
            return Optional.empty();
        }
        try {
            if (edgeRelays.relay(remote.stream(), RELAY_WAIT)) {
                Optional<Stream> relay = streams.find(remote.stream());
                if (relay.isPresent()) {
                    return relay;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        edge.retryLater(req, resp, 503, "the stream's origin (node " + remote.originNode() + ") could not be relayed here");
        return Optional.empty();
    }

    /** A relay's own pull is never sent on: it must reach the origin, not another relay (decision 0045). */
    private Optional<ClusterNode> redirectTarget(String stream, AccessGate.Verdict verdict) {
        if (verdict.principal().startsWith(EdgeRelays.RELAY_PRINCIPAL_PREFIX)) {
            return Optional.empty();
        }
        return ClusterRedirect.target(cluster, stream, sessions.sessions().size(), config.cluster_redirect_viewers());
    }

    /**
     * 307 keeps the method and the body: a WHEP client (the player's fetch too) posts the same offer there. The
     * query (a viewer token) goes along; tokens are valid on every node of a cluster that shares its auth settings.
     */
    private void redirect(HttpServletRequest req, HttpServletResponse resp, String stream, ClusterNode node) {
        String query = req.getQueryString() == null ? "" : "?" + req.getQueryString();
        resp.setStatus(307);
        resp.setHeader("Location", node.httpUrl() + req.getContextPath() + req.getServletPath() + "/" + stream
                + query);
        resp.setContentLength(0);
        LOG.info("WHEP 307 POST for {} from {}: this node is at {} viewers, sent to node {} ({} viewers)",
                stream, req.getRemoteAddr(), sessions.sessions().size(), node.name(), node.viewers());
    }

    /** Reads the offer and opens the session; {@code null} (with the refusal sent) when that fails. */
    private ViewerSession open(Stream stream, AccessGate.Verdict verdict, HttpServletRequest req,
            HttpServletResponse resp) throws IOException {
        String offer = edge.readBody(req, resp);
        if (offer == null) {
            return null;
        }
        if (!offer.startsWith("v=0")) {
            edge.refuse(req, resp, 400, "body is not an SDP offer (must start with v=0)");
            return null;
        }
        TransportStrategy transport = transports.get(stream.transportMode());
        if (transport == null) {
            edge.retryLater(req, resp, 503, "no " + stream.transportMode() + " transport is installed");
            return null;
        }
        try {
            return transport.open(stream, new SessionRequest(offer, req.getRemoteAddr(), verdict.principal()));
        } catch (TransportException e) {
            int status = e.reason().httpStatus();
            if (status == 409 || status == 503) {
                edge.retryLater(req, resp, status, e.getMessage());
            } else {
                edge.refuse(req, resp, status, e.getMessage());
            }
            return null;
        }
    }

    /** Asks the gate whether the caller may READ the stream. */
    private AccessGate.Verdict authorize(HttpServletRequest req, String streamName, Optional<Stream> stream) {
        return AccessGate.check(readRequest(req, streamName), stream, authProviders);
    }

    /** Asks the gate whether the caller may READ a stream with these access settings (one another node ingests). */
    private AccessGate.Verdict authorize(HttpServletRequest req, String streamName, Map<String, String> settings) {
        return AccessGate.checkSettings(readRequest(req, streamName), Optional.of(settings), authProviders);
    }

    private static AccessRequest readRequest(HttpServletRequest req, String streamName) {
        return new AccessRequest(Action.READ, streamName, bearerToken(req), req.getRemoteAddr(), req.getLocalAddr());
    }

    /** 401 with a challenge, 403, or 404: the status follows the verdict; the reason is only logged. */
    private void refuseAccess(HttpServletRequest req, HttpServletResponse resp, AccessGate.Verdict verdict)
            throws IOException {
        edge.refuseAccess(req, resp, verdict, "a valid token for this stream is required",
                "this credential does not allow that");
    }

    // ---- PATCH: trickle ICE and ICE restart ---------------------------------------------------------------------

    private void patch(Target target, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<ViewerSession> found = sessionFor(target, req, resp);
        if (found.isEmpty()) {
            return;
        }
        ViewerSession session = found.get();
        edge.patch(new SignalingEdge.IceControl(session.id(), session::addRemoteCandidates, session::restartIce),
                etags, req, resp);
    }

    // ---- GET: the server's view of the session ------------------------------------------------------------------

    /**
     * What the server estimates reaches this viewer, for the player's stats overlay: the same gate and owner check as
     * PATCH and DELETE, since the figures are the viewer's own. A small JSON object, never cached.
     */
    private void estimate(Target target, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<ViewerSession> found = sessionFor(target, req, resp);
        if (found.isEmpty()) {
            return;
        }
        ViewerSession session = found.get();
        ViewerStats st = session.stats();
        String body = "{\"transport\":\"" + session.transportMode() + "\",\"bandwidthEstimateBps\":"
                + st.bandwidthEstimateBps() + ",\"bandwidthEstimateSource\":\"" + st.bandwidthEstimateSource()
                + "\",\"rttMs\":" + Math.round(st.rttMs()) + ",\"bytesSent\":" + st.bytesSent() + ",\"rendition\":"
                + (st.rendition() == null ? "null" : "\"" + st.rendition() + "\"") + "}";
        resp.setStatus(200);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("application/json");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    // ---- DELETE -------------------------------------------------------------------------------------------------

    private void delete(Target target, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<ViewerSession> found = sessionFor(target, req, resp);
        if (found.isPresent()) {
            found.get().close();
            resp.setStatus(200);
            LOG.info("WHEP session {} of {} deleted by {}", found.get().id(), target.stream(), req.getRemoteAddr());
        }
    }

    /**
     * The session, when the caller passes the gate for its stream and is the principal that created it (the
     * session URL alone is not enough: a leaked URL must not let a stranger end or steer someone's session).
     */
    private Optional<ViewerSession> sessionFor(Target target, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        AccessGate.Verdict verdict = authorize(req, target.stream(), streams.find(target.stream()));
        if (verdict.outcome() != AccessGate.Outcome.ALLOWED) {
            refuseAccess(req, resp, verdict);
            return Optional.empty();
        }
        Optional<ViewerSession> session = sessions.session(target.session())
                .filter(s -> s.streamName().equals(target.stream()));
        if (session.isEmpty()) {
            edge.refuse(req, resp, 404, "no such session");
            return session;
        }
        String owner = owners.get(session.get().id());
        if (owner != null && !owner.equals(verdict.principal())) {
            edge.refuse(req, resp, 403, "the session belongs to another credential");
            return Optional.empty();
        }
        return session;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static boolean hasType(HttpServletRequest req, String type) {
        return SignalingHttp.hasType(req, type);
    }

    static String bearerToken(HttpServletRequest req) {
        return SignalingHttp.bearerToken(req);
    }

    private List<String> iceServerLinks() {
        return IceServerLinks.format(config.ice_servers());
    }

    private static String newEtag() {
        return SignalingHttp.newEtag();
    }

    /** For the session id generator of transports that want one. */
    static String randomId() {
        return SignalingHttp.randomId();
    }
}
