package io.sightline.signaling.whep.internal;

import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.AuthProvider;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.SessionRequest;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportStrategy;
import io.sightline.api.transport.ViewerSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WHEP endpoint (draft-ietf-wish-whep): {@code POST /whep/<stream>} with an SDP offer creates a viewer session
 * at {@code /whep/<stream>/<session>}, which takes {@code PATCH} (trickle ICE, ICE restart) and {@code DELETE}.
 *
 * <p>Every request is authorized before anything is allocated, and every refusal is a precise status with a short
 * plain-text reason and one log line. Credentials are never logged.
 */
@Component(service = Servlet.class, configurationPid = WhepServlet.PID)
@HttpWhiteboardServletPattern("/whep/*")
@HttpWhiteboardServletName("sightline-whep")
@Designate(ocd = WhepConfiguration.class)
public final class WhepServlet extends HttpServlet {
    static final String PID = "io.sightline.signaling.whep";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WhepServlet.class);
    private static final String SDP = "application/sdp";
    private static final String SDP_FRAG = "application/trickle-ice-sdpfrag";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final transient List<AuthProvider> authProviders = new CopyOnWriteArrayList<>();
    private final transient Map<String, TransportStrategy> transports = new ConcurrentHashMap<>();
    /** Current strong entity tag of each session's ICE state (changes on ICE restart). */
    private final transient Map<String, String> etags = new ConcurrentHashMap<>();
    private transient volatile WhepConfiguration config;

    @Reference
    private transient StreamRegistry streams;
    @Reference
    private transient SessionRegistry sessions;

    @Activate
    @Modified
    void configure(WhepConfiguration configuration) {
        this.config = configuration;
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
    private record Target(String stream, String session) {
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
        cors(resp);
        Target target = Target.parse(req.getPathInfo());
        if (target == null) {
            refuse(req, resp, 404, "use /whep/<stream>");
            return;
        }
        String method = req.getMethod();
        switch (method) {
            case "OPTIONS" -> options(target, resp);
            case "POST" -> {
                if (target.session() != null) {
                    methodNotAllowed(req, resp, "PATCH, DELETE, OPTIONS");
                } else {
                    post(target, req, resp);
                }
            }
            case "PATCH" -> {
                if (target.session() == null) {
                    methodNotAllowed(req, resp, "POST, OPTIONS");
                } else {
                    patch(target, req, resp);
                }
            }
            case "DELETE" -> {
                if (target.session() == null) {
                    methodNotAllowed(req, resp, "POST, OPTIONS");
                } else {
                    delete(target, req, resp);
                }
            }
            default -> methodNotAllowed(req, resp, target.session() == null ? "POST, OPTIONS" : "PATCH, DELETE, OPTIONS");
        }
    }

    private void cors(HttpServletResponse resp) {
        resp.setHeader("Access-Control-Allow-Origin", config.cors_allowed_origin());
        resp.setHeader("Access-Control-Allow-Methods", "POST, PATCH, DELETE, OPTIONS");
        resp.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match");
        resp.setHeader("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Post, Accept-Patch, Retry-After");
        resp.setHeader("Access-Control-Max-Age", "600");
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
            refuse(req, resp, 415, "Content-Type must be application/sdp");
            return;
        }
        AccessGate.Verdict verdict = authorize(req, target.stream());
        if (verdict == null) {
            refuseUnauthorized(req, resp);
            return;
        }
        Optional<Stream> found = streams.find(target.stream());
        if (verdict.outcome() == AccessGate.Outcome.UNKNOWN_STREAM || found.isEmpty()) {
            refuse(req, resp, 404, "no such stream");
            return;
        }
        Stream stream = found.get();
        String offer = readBody(req, resp);
        if (offer == null) {
            return;
        }
        if (!offer.startsWith("v=0")) {
            refuse(req, resp, 400, "body is not an SDP offer (must start with v=0)");
            return;
        }
        TransportStrategy transport = transports.get(stream.transportMode());
        if (transport == null) {
            retryLater(req, resp, 503, "no " + stream.transportMode() + " transport is installed");
            return;
        }
        ViewerSession session;
        try {
            session = transport.open(stream, new SessionRequest(offer, req.getRemoteAddr(), verdict.principal()));
        } catch (TransportException e) {
            int status = e.reason().httpStatus();
            if (status == 409 || status == 503) {
                retryLater(req, resp, status, e.getMessage());
            } else {
                refuse(req, resp, status, e.getMessage());
            }
            return;
        }
        String etag = newEtag();
        etags.put(session.id(), etag);
        session.onClosed(() -> etags.remove(session.id()));
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

    /** The verdict, or {@code null} when the caller is refused. Unknown streams answer 404 only to admitted callers. */
    private AccessGate.Verdict authorize(HttpServletRequest req, String streamName) {
        Optional<Stream> stream = streams.find(streamName);
        AccessRequest request = new AccessRequest(Action.READ, streamName, bearerToken(req), req.getRemoteAddr(),
                req.getLocalAddr());
        AccessGate.Verdict verdict = AccessGate.check(request, stream, authProviders);
        return switch (verdict.outcome()) {
            case ALLOWED -> verdict;
            case UNKNOWN_STREAM -> new AccessGate.Verdict(AccessGate.Outcome.UNKNOWN_STREAM, verdict.principal(), "");
            case REFUSED -> {
                LOG.info("WHEP {} {} from {} refused: {}", req.getMethod(), streamName, req.getRemoteAddr(),
                        verdict.reason());
                yield null;
            }
        };
    }

    // ---- PATCH: trickle ICE and ICE restart ---------------------------------------------------------------------

    private void patch(Target target, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<ViewerSession> found = sessionFor(target, req, resp);
        if (found.isEmpty()) {
            return;
        }
        ViewerSession session = found.get();
        if (!hasType(req, SDP_FRAG)) {
            refuse(req, resp, 415, "Content-Type must be application/trickle-ice-sdpfrag");
            return;
        }
        String ifMatch = req.getHeader("If-Match");
        if (ifMatch == null) {
            refuse(req, resp, 428, "If-Match is required");
            return;
        }
        String fragment = readBody(req, resp);
        if (fragment == null) {
            return;
        }
        try {
            if (ifMatch.trim().equals("*")) {
                String answer = session.restartIce(fragment);
                String etag = newEtag();
                etags.put(session.id(), etag);
                resp.setStatus(200);
                resp.setContentType(SDP_FRAG);
                resp.setHeader("ETag", etag);
                resp.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                LOG.info("WHEP ICE restart of session {} from {}", session.id(), req.getRemoteAddr());
                return;
            }
            if (!ifMatch.trim().equals(etags.get(session.id()))) {
                refuse(req, resp, 412, "If-Match does not match the session's current ETag");
                return;
            }
            session.addRemoteCandidates(fragment);
            resp.setStatus(204);
        } catch (IllegalArgumentException e) {
            refuse(req, resp, 400, "malformed sdpfrag: " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            refuse(req, resp, 422, "this transport cannot restart ICE");
        }
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

    private Optional<ViewerSession> sessionFor(Target target, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        if (authorize(req, target.stream()) == null) {
            refuseUnauthorized(req, resp);
            return Optional.empty();
        }
        Optional<ViewerSession> session = sessions.session(target.session())
                .filter(s -> s.streamName().equals(target.stream()));
        if (session.isEmpty()) {
            refuse(req, resp, 404, "no such session");
        }
        return session;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static boolean hasType(HttpServletRequest req, String type) {
        String ct = req.getContentType();
        if (ct == null) {
            return false;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().equalsIgnoreCase(type);
    }

    private String readBody(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int max = config.max_body_bytes();
        if (req.getContentLengthLong() > max) {
            refuse(req, resp, 413, "body larger than " + max + " bytes");
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, Math.min(max, req.getContentLength())));
        byte[] buf = new byte[8192];
        try (InputStream in = req.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0;) {
                if (out.size() + n > max) {
                    refuse(req, resp, 413, "body larger than " + max + " bytes");
                    return null;
                }
                out.write(buf, 0, n);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String bearerToken(HttpServletRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        return req.getParameter("token");
    }

    private List<String> iceServerLinks() {
        return IceServerLinks.format(config.ice_servers());
    }

    private static String newEtag() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "\"" + HexFormat.of().formatHex(b) + "\"";
    }

    private void refuseUnauthorized(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("WWW-Authenticate", "Bearer realm=\"sightline\"");
        text(resp, 401, "a valid token for this stream is required");
    }

    private void retryLater(HttpServletRequest req, HttpServletResponse resp, int status, String reason)
            throws IOException {
        resp.setHeader("Retry-After", String.valueOf(config.retry_after_seconds()));
        refuse(req, resp, status, reason);
    }

    private void methodNotAllowed(HttpServletRequest req, HttpServletResponse resp, String allow) throws IOException {
        resp.setHeader("Allow", allow);
        refuse(req, resp, 405, "use " + allow);
    }

    private static void refuse(HttpServletRequest req, HttpServletResponse resp, int status, String reason)
            throws IOException {
        LOG.info("WHEP {} {} from {} -> {}: {}", req.getMethod(), req.getRequestURI(), req.getRemoteAddr(), status,
                reason);
        text(resp, status, reason);
    }

    private static void text(HttpServletResponse resp, int status, String reason) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.getOutputStream().write((reason + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** For the session id generator of transports that want one. */
    static String randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
