package io.sightline.web.console.internal;

import java.io.IOException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** Writes an asset (or 304, 404) with the headers every console response carries. */
final class AssetResponder {
    /** Revalidate on every use: file names carry no version, and the ETag makes revalidation a 304. */
    static final String REVALIDATE = "no-cache";

    private AssetResponder() {
    }

    static void send(WebAsset asset, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", REVALIDATE);
        resp.setHeader("ETag", asset.etag());
        resp.setHeader("X-Content-Type-Options", "nosniff");
        // Player URLs may carry ?token=...: never hand them to another site as a Referer.
        resp.setHeader("Referrer-Policy", "no-referrer");
        if (asset.matches(req.getHeader("If-None-Match"))) {
            resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(asset.contentType());
        resp.setContentLength(asset.content().length);
        // HttpServlet answers HEAD through doGet with a body-less response.
        resp.getOutputStream().write(asset.content());
    }

    static void notFound(HttpServletResponse resp, String what) throws IOException {
        resp.setStatus(HttpServletResponse.SC_NOT_FOUND);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().println(what);
    }
}
