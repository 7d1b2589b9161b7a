package io.sightline.signaling.whep.internal;

import io.sightline.endpoint.support.ThrottledLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;

/**
 * The request handling the WHEP and WHIP endpoints share, bound to one endpoint's name and the current settings: the
 * prelude of every request (CORS, the path, the rate limit per address), the refusals (a precise status, a one-line
 * plain-text reason and a log line throttled per status), bounded bodies, the access gate's answers, and PATCH of a
 * session's ICE (trickle with {@code If-Match: "<etag>"}, restart with {@code If-Match: "*"}). One copy, so both
 * endpoints answer the same request the same way. A new one is made for each configuration; the endpoint keeps
 * what outlives it (sessions, their entity tags and owners).
 */
final class SignalingEdge {
    /**
     * What PATCH steers on a session, viewer's or publisher's.
     *
     * @param addRemoteCandidates throws IllegalArgumentException for a malformed fragment
     * @param restartIce          returns the server's new credentials as a fragment; throws IllegalArgumentException
     *                            for a malformed fragment, UnsupportedOperationException when the transport cannot
     *                            restart ICE
     */
    record IceControl(String id, Consumer<String> addRemoteCandidates, UnaryOperator<String> restartIce) {
    }

    private final String name;
    private final Logger log;
    private final ThrottledLog refusals;
    private final WhepConfiguration config;
    private final RequestRateLimiter rateLimiter;

    /** @param name the endpoint as the log names it, {@code WHEP} or {@code WHIP}; its path is that in lower case */
    SignalingEdge(String name, Logger log, ThrottledLog refusals, WhepConfiguration config) {
        this.name = name;
        this.log = log;
        this.refusals = refusals;
        this.config = config;
        this.rateLimiter = new RequestRateLimiter(config.max_requests_per_second_per_address(),
                config.request_burst_per_address(), config.rate_limit_max_addresses(), System::nanoTime);
    }

    WhepConfiguration config() {
        return config;
    }

    /** CORS on every answer, then the target; null (answered 404 or 429) when the request goes no further. */
    WhepServlet.Target admit(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        SignalingHttp.cors(resp, config.cors_allowed_origin());
        WhepServlet.Target target = WhepServlet.Target.parse(req.getPathInfo());
        if (target == null) {
            refuse(req, resp, 404, "use /" + name.toLowerCase() + "/<stream>");
            return null;
        }
        long wait = rateLimiter.acquire(req.getRemoteAddr());
        if (wait > 0) {
            resp.setHeader("Retry-After", String.valueOf(wait));
            refuse(req, resp, 429, "too many requests from this address");
            return null;
        }
        return target;
    }

    /** The body as UTF-8, or null after a 413 when it is larger than {@code max.body.bytes}. */
    String readBody(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int max = config.max_body_bytes();
        String body = SignalingHttp.readBody(req, max);
        if (body == null) {
            refuse(req, resp, 413, "body larger than " + max + " bytes");
        }
        return body;
    }

    /** 401 with a challenge, 403, or 404: the status follows the verdict; the gate's reason is only logged. */
    void refuseAccess(HttpServletRequest req, HttpServletResponse resp, AccessGate.Verdict verdict,
            String unauthenticated, String forbidden) throws IOException {
        String shown = switch (verdict.outcome()) {
            case UNAUTHENTICATED -> {
                resp.setHeader("WWW-Authenticate", "Bearer realm=\"sightline\"");
                yield unauthenticated;
            }
            case FORBIDDEN -> forbidden;
            default -> "no such stream";
        };
        refusals.info(String.valueOf(verdict.outcome().status), name + " {} {} from {} as {} -> {}: {}",
                req.getMethod(), req.getRequestURI(), req.getRemoteAddr(), verdict.principal(),
                verdict.outcome().status, verdict.reason());
        SignalingHttp.text(resp, verdict.outcome().status, shown);
    }

    /**
     * PATCH of a session the caller owns: 415 unless a trickle-ice-sdpfrag, 428 without If-Match, {@code "*"} an ICE
     * restart (200, the server's fragment, a new ETag), else the current ETag (412 if stale) and trickled candidates
     * (204); 400 for a malformed fragment, 422 when the transport cannot restart.
     */
    void patch(IceControl session, Map<String, String> etags, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        if (!SignalingHttp.hasType(req, SignalingHttp.SDP_FRAG)) {
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
                String answer = session.restartIce().apply(fragment);
                String etag = SignalingHttp.newEtag();
                etags.put(session.id(), etag);
                resp.setStatus(200);
                resp.setContentType(SignalingHttp.SDP_FRAG);
                resp.setHeader("ETag", etag);
                resp.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                log.info("{} ICE restart of session {} from {}", name, session.id(), req.getRemoteAddr());
                return;
            }
            if (!ifMatch.trim().equals(etags.get(session.id()))) {
                refuse(req, resp, 412, "If-Match does not match the session's current ETag");
                return;
            }
            session.addRemoteCandidates().accept(fragment);
            resp.setStatus(204);
        } catch (IllegalArgumentException e) {
            refuse(req, resp, 400, "malformed sdpfrag: " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            refuse(req, resp, 422, "this transport cannot restart ICE");
        }
    }

    /** A refusal the client may retry: {@code Retry-After} from the settings. */
    void retryLater(HttpServletRequest req, HttpServletResponse resp, int status, String reason) throws IOException {
        resp.setHeader("Retry-After", String.valueOf(config.retry_after_seconds()));
        refuse(req, resp, status, reason);
    }

    void methodNotAllowed(HttpServletRequest req, HttpServletResponse resp, String allow) throws IOException {
        resp.setHeader("Allow", allow);
        refuse(req, resp, 405, "use " + allow);
    }

    /** The status with a one-line reason, and a log line (throttled per status). */
    void refuse(HttpServletRequest req, HttpServletResponse resp, int status, String reason) throws IOException {
        refusals.info(String.valueOf(status), name + " {} {} from {} -> {}: {}", req.getMethod(),
                req.getRequestURI(), req.getRemoteAddr(), status, reason);
        SignalingHttp.text(resp, status, reason);
    }
}
