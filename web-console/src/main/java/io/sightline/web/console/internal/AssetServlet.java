package io.sightline.web.console.internal;

import java.io.IOException;
import java.util.Optional;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The player's scripts and styles: {@code /js/*}, {@code /css/*} and {@code /player/*} (the
 * {@code <sightline-player>} element for integrators), each from the same folder under {@code web/} in the bundle.
 * They are public and readable from any origin, so other sites can embed the player element.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/js/*", "/css/*", "/player/*"})
@HttpWhiteboardServletName("sightline-web-assets")
public final class AssetServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient WebAssets assets = new WebAssets(AssetServlet.class.getClassLoader()::getResource);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<WebAsset> asset = assets.find(relativePath(req.getServletPath(), req.getPathInfo()));
        if (asset.isEmpty()) {
            AssetResponder.notFound(resp, "no such file");
            return;
        }
        // Pages on other origins load <sightline-player> as a module script, which browsers fetch with CORS.
        resp.setHeader("Access-Control-Allow-Origin", "*");
        AssetResponder.send(asset.get(), req, resp);
    }

    /** {@code /js} + {@code /player.js} is {@code js/player.js}; no path info names no file. */
    static String relativePath(String servletPath, String pathInfo) {
        if (servletPath == null || pathInfo == null || servletPath.length() < 2) {
            return null;
        }
        return servletPath.substring(1) + pathInfo;
    }
}
