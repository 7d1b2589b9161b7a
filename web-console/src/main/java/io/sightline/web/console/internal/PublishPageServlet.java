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
 * {@code /publish/<stream>}: the page that makes a browser the stream's camera over WHIP (docs/whip.md). The page
 * itself is the same document for every stream and holds no secret; the WHIP endpoint decides with the token
 * whether the visitor may publish. Unlike the player it must not be framed: a page that holds the camera and a
 * publish token inside someone else's page could be clicked into going live.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/publish/*")
@HttpWhiteboardServletName("sightline-publish-page")
public final class PublishPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PAGE = "publish.html";
    /** Same-origin scripts, styles and requests (WHIP, the stream list) only, and no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; media-src 'self' blob: mediastream:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private final transient WebAssets assets = new WebAssets(PublishPageServlet.class.getClassLoader()::getResource);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!PlayerPageServlet.isStreamPath(req.getPathInfo())) {
            AssetResponder.notFound(resp, "use /publish/<stream>");
            return;
        }
        resp.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        resp.setHeader("X-Frame-Options", "DENY");
        AssetResponder.send(assets.find(PAGE).orElseThrow(() -> new IllegalStateException("bundle lacks web/" + PAGE)),
                req, resp);
    }
}
