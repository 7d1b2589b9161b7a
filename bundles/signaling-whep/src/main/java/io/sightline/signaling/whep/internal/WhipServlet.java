package io.sightline.signaling.whep.internal;

import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.AuthProvider;
import io.sightline.api.cluster.Publication;
import io.sightline.api.cluster.Publications;
import io.sightline.api.control.Actor;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamState;
import io.sightline.api.transport.PublishTransport;
import io.sightline.api.transport.PublisherSession;
import io.sightline.api.transport.SessionRequest;
import io.sightline.api.transport.TransportException;
import io.sightline.endpoint.support.ThrottledLog;
import io.sightline.endpoint.support.WhiteboardServlet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WHIP endpoint (RFC 9725): {@code POST /whip/<stream>} with a publisher's SDP offer creates a publisher
 * session at {@code /whip/<stream>/<session>}, which takes {@code PATCH} (trickle ICE, ICE restart) and
 * {@code DELETE}. The stream must be one that waits for publishers ({@code source.type = whip}).
 *
 * <p>The same edge as the WHEP endpoint, with the same settings ({@code etc/io.sightline.signaling.whep.cfg}): rate
 * limit per address, body limit, the access gate (here with the action {@code publish}, which a public stream does
 * not grant anonymously), precise refusals with a throttled log line, nothing allocated on refusal.
 *
 * <p>With {@code whip.auto.create = true} a publish to an unknown stream, by a token whose {@code publish} covers the
 * name, creates the stream through the {@link StreamCatalog} (persisted, audited as the token's principal), waits
 * for the core to start it and goes on as for any whip stream; a first offer the transport refuses removes it again.
 */
@Component(service = {}, configurationPid = WhepServlet.PID)
public final class WhipServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WhipServlet.class);
    private static final String SESSION_METHODS = "PATCH, DELETE, OPTIONS";
    private static final ThrottledLog REFUSALS = new ThrottledLog(LOG, 5, TimeUnit.SECONDS.toNanos(10),
            System::nanoTime);

    private final transient List<AuthProvider> authProviders = new CopyOnWriteArrayList<>();
    private final transient List<PublishTransport> transports = new CopyOnWriteArrayList<>();
    private final transient Map<String, PublisherSession> sessions = new ConcurrentHashMap<>();
    private final transient Map<String, String> etags = new ConcurrentHashMap<>();
    private final transient Map<String, String> owners = new ConcurrentHashMap<>();
    private transient volatile WhepConfiguration config;
    /** The request handling shared with the WHEP endpoint, for the current configuration. */
    private transient volatile SignalingEdge edge;
    private transient WhiteboardServlet registration;

    /** How long a publish that created its stream waits for the core to start it (file poll, then the source). */
    static final long CREATE_WAIT_MILLIS = 5000;

    @Reference
    private transient StreamRegistry streams;
    /** Writes the stream a publish creates ({@code whip.auto.create}); absent: no stream is ever created here. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile StreamCatalog catalog;

    /**
     * Present only while this node is a member of a cluster: whip streams published on another node, which move here
     * when their publisher reaches this node (decision 0050).
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile Publications publications;

    @Activate
    void activate(BundleContext context, WhepConfiguration configuration) {
        configure(configuration);
        registration = WhiteboardServlet.register(context, this, "sightline-whip", "/whip/*");
    }

    @Deactivate
    void deactivate() {
        registration.close();
        sessions.values().forEach(PublisherSession::close);
    }

    @Modified
    void configure(WhepConfiguration configuration) {
        this.config = configuration;
        this.edge = new SignalingEdge("WHIP", LOG, REFUSALS, configuration);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindAuthProvider(AuthProvider provider) {
        authProviders.add(provider);
    }

    void unbindAuthProvider(AuthProvider provider) {
        authProviders.remove(provider);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindTransport(PublishTransport transport) {
        transports.add(transport);
    }

    void unbindTransport(PublishTransport transport) {
        transports.remove(transport);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        WhepServlet.Target target = edge.admit(req, resp);
        if (target == null) {
            return;
        }
        boolean session = target.session() != null;
        switch (req.getMethod()) {
            case "OPTIONS" -> {
                resp.setStatus(204);
                resp.setHeader(session ? "Accept-Patch" : "Accept-Post", session ? SignalingHttp.SDP_FRAG
                        : SignalingHttp.SDP);
            }
            case "POST" -> {
                if (session) {
                    edge.methodNotAllowed(req, resp, SESSION_METHODS);
                } else {
                    post(target, req, resp);
                }
            }
            case "PATCH" -> {
                if (session) {
                    patch(target, req, resp);
                } else {
                    edge.methodNotAllowed(req, resp, "POST, OPTIONS");
                }
            }
            case "DELETE" -> {
                if (session) {
                    delete(target, req, resp);
                } else {
                    edge.methodNotAllowed(req, resp, "POST, OPTIONS");
                }
            }
            default -> edge.methodNotAllowed(req, resp, session ? SESSION_METHODS : "POST, OPTIONS");
        }
    }

    // ---- POST: start publishing ---------------------------------------------------------------------------------

    private void post(WhepServlet.Target target, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        long start = System.nanoTime();
        if (!SignalingHttp.hasType(req, SignalingHttp.SDP)) {
            edge.refuse(req, resp, 415, "Content-Type must be application/sdp");
            return;
        }
        if (req.getContentLengthLong() > config.max_body_bytes()) {
            edge.refuse(req, resp, 413, "body larger than " + config.max_body_bytes() + " bytes");
            return;
        }
        Optional<Stream> found = streams.find(target.stream());
        Publications cluster = publications;
        // A stream this node lacks, or only relays, may be one the cluster knows as published on another node.
        Optional<Publication> moving = cluster != null && found.map(s -> !isWhip(s)).orElse(true)
                ? cluster.elsewhere(target.stream()) : Optional.empty();
        AccessGate.Verdict verdict = moving.isPresent()
                ? AccessGate.checkSettings(request(req, target.stream()), Optional.of(moving.get()
                        .accessProperties()), authProviders)
                : authorize(req, target.stream(), found);
        StreamCatalog writer = catalog;
        boolean create = verdict.outcome() == AccessGate.Outcome.UNKNOWN_STREAM && config.whip_auto_create()
                && writer != null;
        if (verdict.outcome() != AccessGate.Outcome.ALLOWED && !create) {
            refuseAccess(req, resp, verdict);
            return;
        }
        if (moving.isEmpty() && found.isPresent() && found.get().status().state() == StreamState.STOPPED) {
            edge.retryLater(req, resp, 423, "stream stopped by an operator");
            return;
        }
        PublishTransport transport = transports.isEmpty() ? null : transports.get(0);
        if (transport == null) {
            edge.retryLater(req, resp, 503, "no transport that takes publishers is installed");
            return;
        }
        String offer = edge.readBody(req, resp);
        if (offer == null) {
            return;
        }
        if (!offer.startsWith("v=0")) {
            edge.refuse(req, resp, 400, "body is not an SDP offer (must start with v=0)");
            return;
        }
        Actor actor = new Actor(verdict.principal(), "whip", req.getRemoteAddr());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CREATE_WAIT_MILLIS);
        if (create) {
            found = create(writer, target.stream(), actor, deadline, req, resp);
            if (found.isEmpty()) {
                return;
            }
        } else if (moving.isPresent()) {
            found = claim(cluster, moving.get(), req, resp);
            if (found.isEmpty()) {
                return;
            }
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CREATE_WAIT_MILLIS);
        }
        Stream stream = found.get();
        PublisherSession session;
        try {
            session = publish(transport, stream, new SessionRequest(offer, req.getRemoteAddr(),
                    verdict.principal()), create || moving.isPresent(), deadline);
        } catch (TransportException e) {
            if (create) {
                removeCreated(writer, stream.name(), actor);
            }
            int status = e.reason().httpStatus();
            if (status == 503) {
                edge.retryLater(req, resp, status, e.getMessage());
            } else {
                edge.refuse(req, resp, status, e.getMessage());
            }
            return;
        }
        String id = session.id();
        String etag = SignalingHttp.newEtag();
        sessions.put(id, session);
        etags.put(id, etag);
        owners.put(id, verdict.principal());
        session.onClosed(() -> {
            sessions.remove(id);
            etags.remove(id);
            owners.remove(id);
        });
        resp.setStatus(201);
        resp.setContentType(SignalingHttp.SDP);
        resp.setHeader("Location", req.getContextPath() + req.getServletPath() + "/" + stream.name() + "/" + id);
        resp.setHeader("ETag", etag);
        for (String link : IceServerLinks.format(config.ice_servers())) {
            resp.addHeader("Link", link);
        }
        byte[] body = session.answerSdp().getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
        LOG.info("WHIP 201 POST for {} from {} as {}: publisher {} in {} ms", stream.name(), req.getRemoteAddr(),
                verdict.principal(), id, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Creates a whip stream for a publish ({@code whip.auto.create}) and waits until the core runs it and its source
     * waits for a publisher. Empty (the caller was answered) when the catalog refuses the name or the stream does not
     * come up in time (503: it exists now, a retry finds it).
     */
    private Optional<Stream> create(StreamCatalog writer, String name, Actor actor, long deadline,
            HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            writer.create(name, Map.of("source.type", "whip", Stream.ACCESS, "token"), actor);
            LOG.info("WHIP: stream '{}' created on first publish by {} from {} (whip.auto.create)", name,
                    actor.user(), actor.address());
        } catch (ChangeRefused e) {
            if (e.reason() != ChangeRefused.Reason.EXISTS) { // EXISTS: another publish created it just now
                int status = e.reason().httpStatus() == 422 ? 400 : e.reason().httpStatus();
                edge.refuse(req, resp, status, "cannot create stream '"
                        + name + "': " + e.getMessage());
                return Optional.empty();
            }
        }
        while (System.nanoTime() - deadline < 0) {
            Optional<Stream> s = streams.find(name);
            if (s.isPresent()) {
                return s;
            }
            pause();
        }
        edge.retryLater(req, resp, 503, "stream '" + name + "' was created and is starting; retry");
        return Optional.empty();
    }

    /**
     * Makes this node the origin of a stream published on another node (decision 0050) and waits until it runs here.
     * Empty (the caller was answered) when the stream's policy keeps it where it is (409), another node took it at the
     * same moment (409), or it does not start in time (503: it is this node's now, a retry finds it).
     */
    private Optional<Stream> claim(Publications cluster, Publication publication, HttpServletRequest req,
            HttpServletResponse resp) throws IOException {
        Publications.Claim claim;
        try {
            claim = cluster.claim(publication.stream(), Duration.ofMillis(CREATE_WAIT_MILLIS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            claim = Publications.Claim.STARTING;
        }
        switch (claim) {
            case TAKEN -> {
                Optional<Stream> s = streams.find(publication.stream());
                if (s.isPresent()) {
                    LOG.info("WHIP: stream '{}' moved here from node {} ({}) for its publisher from {}",
                            publication.stream(), publication.originNode(), publication.originUp() ? "up" : "failed",
                            req.getRemoteAddr());
                    return s;
                }
                edge.retryLater(req, resp, 503, "stream '" + publication.stream() + "' is starting here; retry");
            }
            case PUBLISHED_ELSEWHERE -> edge.refuse(req, resp, 409, "stream '" + publication.stream()
                    + "' has a live publisher on node " + publication.originNode() + " and publish.takeover is off");
            case LOST -> edge.refuse(req, resp, 409, "stream '" + publication.stream()
                    + "' was just taken by a publisher on another node");
            case STARTING -> edge.retryLater(req, resp, 503, "stream '" + publication.stream()
                    + "' is starting here; retry");
            default -> edge.refuse(req, resp, 404, "no such stream");
        }
        return Optional.empty();
    }

    private static boolean isWhip(Stream stream) {
        return "whip".equals(stream.sourceType());
    }

    /**
     * The transport's publish; until {@code deadline} (a stream just created, whose source may not wait for
     * publishers yet) a conflict is tried again: the transport refuses before it allocates anything.
     */
    private static PublisherSession publish(PublishTransport transport, Stream stream, SessionRequest request,
            boolean retry, long deadline) throws TransportException {
        while (true) {
            try {
                return transport.publish(stream, request);
            } catch (TransportException e) {
                if (!retry || e.reason() != TransportException.Reason.PUBLISH_CONFLICT
                        || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private void removeCreated(StreamCatalog writer, String name, Actor actor) {
        try {
            writer.remove(name, null, actor);
            LOG.info("WHIP: stream '{}' removed again: its first offer was refused", name);
        } catch (RuntimeException e) {
            LOG.warn("WHIP: stream '{}' created for a refused offer could not be removed: {}", name, e.getMessage());
        }
    }

    private AccessGate.Verdict authorize(HttpServletRequest req, String streamName, Optional<Stream> stream) {
        return AccessGate.check(request(req, streamName), stream, authProviders);
    }

    private static AccessRequest request(HttpServletRequest req, String streamName) {
        return new AccessRequest(Action.PUBLISH, streamName, SignalingHttp.bearerToken(req), req.getRemoteAddr(),
                req.getLocalAddr());
    }

    private void refuseAccess(HttpServletRequest req, HttpServletResponse resp, AccessGate.Verdict verdict)
            throws IOException {
        edge.refuseAccess(req, resp, verdict, "a valid token allowing publish on this stream is required",
                "this credential does not allow publishing here");
    }

    // ---- PATCH and DELETE ---------------------------------------------------------------------------------------

    private void patch(WhepServlet.Target target, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        Optional<PublisherSession> found = sessionFor(target, req, resp);
        if (found.isEmpty()) {
            return;
        }
        PublisherSession session = found.get();
        edge.patch(new SignalingEdge.IceControl(session.id(), session::addRemoteCandidates, session::restartIce),
                etags, req, resp);
    }

    private void delete(WhepServlet.Target target, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        Optional<PublisherSession> found = sessionFor(target, req, resp);
        if (found.isPresent()) {
            found.get().close();
            resp.setStatus(200);
            LOG.info("WHIP publisher {} of {} deleted by {}", found.get().id(), target.stream(), req.getRemoteAddr());
        }
    }

    /** The session, when the caller may publish to its stream and is the principal that created it. */
    private Optional<PublisherSession> sessionFor(WhepServlet.Target target, HttpServletRequest req,
            HttpServletResponse resp) throws IOException {
        AccessGate.Verdict verdict = authorize(req, target.stream(), streams.find(target.stream()));
        if (verdict.outcome() != AccessGate.Outcome.ALLOWED) {
            refuseAccess(req, resp, verdict);
            return Optional.empty();
        }
        PublisherSession session = sessions.get(target.session());
        if (session == null || !session.streamName().equals(target.stream())) {
            edge.refuse(req, resp, 404, "no such session");
            return Optional.empty();
        }
        if (!verdict.principal().equals(owners.get(session.id()))) {
            edge.refuse(req, resp, 403, "the session belongs to another credential");
            return Optional.empty();
        }
        return Optional.of(session);
    }
}
