package io.sightline.web.console.internal;

import io.sightline.api.auth.AccessDecision;
import io.sightline.api.auth.AccessRequest;
import io.sightline.api.auth.Action;
import io.sightline.api.auth.AuthProvider;
import io.sightline.api.stream.Stream;
import io.sightline.endpoint.support.AddressRanges;
import io.sightline.api.stream.StreamRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The start page, at the server's root and at {@code /streams}: the list of streams with links to their players.
 * The page fetches the list itself from {@code /streams.json}, which needs a credential
 * (docs/decisions/0014-access-gate.md): HTTP Basic of a {@code karaf} realm user with role {@code admin} lists every
 * stream; a bearer token ({@code Authorization: Bearer} or {@code ?token=}) lists exactly the streams the auth
 * providers allow it to READ (disabled streams never); anything else gets 401.
 *
 * <p>The root is mapped as the default servlet ({@code /}; Pax Web does not map the empty pattern), so this servlet
 * also receives every request no other servlet takes, and answers those with 404.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/", "/streams", "/streams.json"})
@HttpWhiteboardServletName("sightline-stream-list")
public final class StreamListServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PAGE = "streams.html";
    static final String ADMIN_REALM = "karaf";
    static final String ADMIN_ROLE = "admin";
    private static final String PUBLIC_FROM = "access.public.from";
    private static final String ROLE_PRINCIPAL = "org.apache.karaf.jaas.boot.principal.RolePrincipal";

    private final transient WebAssets assets = new WebAssets(StreamListServlet.class.getClassLoader()::getResource);
    private final transient List<AuthProvider> authProviders = new CopyOnWriteArrayList<>();

    @Reference
    private transient StreamRegistry streams;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindAuthProvider(AuthProvider provider) {
        authProviders.add(provider);
    }

    void unbindAuthProvider(AuthProvider provider) {
        authProviders.remove(provider);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = (req.getServletPath() == null ? "" : req.getServletPath())
                + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.equals("/streams.json")) {
            listJson(req, resp);
            return;
        }
        if (!isListPath(req.getServletPath(), req.getPathInfo())) {
            AssetResponder.notFound(resp, "not found");
            return;
        }
        AssetResponder.send(assets.find(PAGE).orElseThrow(() -> new IllegalStateException("bundle lacks web/" + PAGE)),
                req, resp);
    }

    /** {@code /} or {@code /streams}: under the default mapping the whole path is the servlet path. */
    static boolean isListPath(String servletPath, String pathInfo) {
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() || path.equals("/") || path.equals("/streams");
    }

    // ---- the JSON list ------------------------------------------------------------------------------------------

    private void listJson(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String auth = req.getHeader("Authorization");
        List<Stream> visible;
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            Boolean admin = adminLogin(auth.substring(6).trim());
            if (admin == null) {
                unauthorized(resp);
                return;
            }
            if (!admin) {
                json(resp, 403, "{\"error\":\"this user may not list streams\"}");
                return;
            }
            visible = streams.streams();
        } else {
            String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim()
                    : req.getParameter("token");
            if (token == null || token.isEmpty()) {
                // No credential: the streams this caller may watch anonymously (public, from an allowed address),
                // e.g. the demo from loopback. 200 even when empty; a token or admin credentials reveal the rest.
                listJson(resp, anonymous(req), true);
                return;
            }
            visible = readable(token, req);
            if (visible == null) {
                unauthorized(resp);
                return;
            }
        }
        listJson(resp, visible, false);
    }

    private static void listJson(HttpServletResponse resp, List<Stream> visible, boolean anonymous)
            throws IOException {
        StringBuilder out = new StringBuilder("{\"anonymous\":" + anonymous + ",\"streams\":[");
        for (int i = 0; i < visible.size(); i++) {
            Stream s = visible.get(i);
            out.append(i == 0 ? "" : ",").append("{\"name\":").append(quote(s.name()))
                    .append(",\"state\":").append(quote(s.status().state().name().toLowerCase()))
                    .append(",\"detail\":").append(quote(s.status().detail()))
                    .append(",\"viewers\":").append(s.viewerCount()).append('}');
        }
        json(resp, 200, out.append("]}").toString());
    }

    /**
     * Public streams whose {@code access.public.from} admits this address (everyone when empty), as the WHEP gate
     * decides for a caller without a credential (decision 0014); a malformed list admits nobody. Stopped streams are
     * listed too (the player says so).
     */
    private List<Stream> anonymous(HttpServletRequest req) {
        List<Stream> out = new ArrayList<>();
        for (Stream s : streams.streams()) {
            if (!"public".equals(String.valueOf(s.properties().get(Stream.ACCESS)).trim())) {
                continue;
            }
            AddressRanges from;
            try {
                from = AddressRanges.parse(s.properties().get(PUBLIC_FROM));
            } catch (IllegalArgumentException e) {
                from = AddressRanges.NONE;
            }
            if (from.contains(req.getRemoteAddr())) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The streams this token may READ, or {@code null} when no provider recognised it (no provider allowed any stream
     * and none named the caller in a refusal).
     */
    private List<Stream> readable(String token, HttpServletRequest req) {
        List<Stream> out = new ArrayList<>();
        boolean recognised = false;
        for (Stream s : streams.streams()) {
            AccessRequest request = new AccessRequest(Action.READ, s.name(), token, req.getRemoteAddr(),
                    req.getLocalAddr());
            boolean allowed = false;
            boolean denied = false;
            for (AuthProvider p : authProviders) {
                AccessDecision d = p.decide(request);
                if (d.verdict() == AccessDecision.Verdict.DENY) {
                    denied = true;
                    recognised |= !"anonymous".equals(d.principal());
                } else if (d.allowed()) {
                    allowed = true;
                    recognised = true;
                }
            }
            if (allowed && !denied && !"disabled".equals(String.valueOf(s.properties().get(Stream.ACCESS)).trim())) {
                out.add(s);
            }
        }
        return recognised ? out : null;
    }

    /** TRUE for an admin, FALSE for a realm user without the role, null for bad credentials. */
    private Boolean adminLogin(String base64) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // LoginContext loads login modules through the context class loader: make it a bundle class loader (Karaf
        // boot-delegates its JAAS proxy module to every bundle).
        thread.setContextClassLoader(StreamListServlet.class.getClassLoader());
        try {
            new LoginContext(ADMIN_REALM, subject, callbacks -> {
                for (javax.security.auth.callback.Callback c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(user);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(c);
                    }
                }
            }).login();
        } catch (LoginException e) {
            return null;
        } finally {
            thread.setContextClassLoader(previous);
            java.util.Arrays.fill(password, '\0');
        }
        for (Principal p : subject.getPrincipals()) {
            if (p.getClass().getName().equals(ROLE_PRINCIPAL) && ADMIN_ROLE.equals(p.getName())) {
                return Boolean.TRUE;
            }
        }
        return Boolean.FALSE;
    }

    private static void unauthorized(HttpServletResponse resp) throws IOException {
        resp.addHeader("WWW-Authenticate", "Bearer realm=\"sightline\"");
        resp.addHeader("WWW-Authenticate", "Basic realm=\"sightline-admin\", charset=\"UTF-8\"");
        json(resp, 401, "{\"error\":\"a token or admin credentials are required\"}");
    }

    private static void json(HttpServletResponse resp, int status, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
