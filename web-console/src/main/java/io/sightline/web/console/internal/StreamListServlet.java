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
 * The start page, at the server's root and at {@code /streams}: the list of streams with links to their players.
 * The page fetches the list itself.
 *
 * <p>The root is mapped as the default servlet ({@code /}; Pax Web does not map the empty pattern), so this servlet
 * also receives every request no other servlet takes, and answers those with 404.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/", "/streams"})
@HttpWhiteboardServletName("sightline-stream-list")
public final class StreamListServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PAGE = "streams.html";

    private final transient WebAssets assets = new WebAssets(StreamListServlet.class.getClassLoader()::getResource);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
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
}
