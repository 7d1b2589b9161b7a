package io.sightline.web.console.internal;

import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /admin}: the admin console page. The page itself is public and holds no data; it asks for a user and
 * password and sends them as HTTP Basic to the admin REST API ({@code /api/*}, docs/decisions/0015), which decides.
 * Unlike the player, the console must never be framed by another site (a framed console could be clicked into
 * ending sessions or minting share links), and its script may talk to this server only.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/admin")
@HttpWhiteboardServletName("sightline-admin-page")
public final class AdminPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PAGE = "admin.html";
    /** Same-origin scripts, styles and API calls only; no frames, no plugins, forms post nowhere else. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; media-src 'self' blob: mediastream:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private final transient WebAssets assets = new WebAssets(AdminPageServlet.class.getClassLoader()::getResource);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!isAdminPath(req.getServletPath(), req.getPathInfo())) {
            AssetResponder.notFound(resp, "use /admin");
            return;
        }
        resp.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        resp.setHeader("X-Frame-Options", "DENY");
        AssetResponder.send(assets.find(PAGE).orElseThrow(() -> new IllegalStateException("bundle lacks web/" + PAGE)),
                req, resp);
    }

    /** {@code /admin} exactly: the page's relative links ({@code css/...}, {@code api/...}) assume the root. */
    static boolean isAdminPath(String servletPath, String pathInfo) {
        return "/admin".equals(servletPath) && (pathInfo == null || pathInfo.isEmpty());
    }
}
