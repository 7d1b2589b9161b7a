package io.sightline.web.console.internal;

import java.io.IOException;
import java.util.regex.Pattern;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /play/<stream>}: the player page, the same document for every stream (the page reads the stream's name
 * from its own path and asks WHEP for it, which decides whether the stream exists and who may see it). The page is
 * meant to be embedded, so it sets no frame restrictions.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/play/*")
@HttpWhiteboardServletName("sightline-player-page")
public final class PlayerPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The stream names the core accepts (see the core's StreamSettings). */
    private static final Pattern STREAM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final String PAGE = "play.html";

    private final transient WebAssets assets = new WebAssets(PlayerPageServlet.class.getClassLoader()::getResource);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!isStreamPath(req.getPathInfo())) {
            AssetResponder.notFound(resp, "use /play/<stream>");
            return;
        }
        AssetResponder.send(assets.find(PAGE).orElseThrow(() -> new IllegalStateException("bundle lacks web/" + PAGE)),
                req, resp);
    }

    /** {@code /<stream>} exactly: the page's relative links ({@code ../js/...}) assume that depth. */
    static boolean isStreamPath(String pathInfo) {
        return pathInfo != null && pathInfo.startsWith("/") && STREAM_NAME.matcher(pathInfo.substring(1)).matches();
    }
}
