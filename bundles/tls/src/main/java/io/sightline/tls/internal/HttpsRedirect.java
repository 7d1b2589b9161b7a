package io.sightline.tls.internal;

import java.io.IOException;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.http.whiteboard.Preprocessor;

/**
 * Sends plain-HTTP callers to the HTTPS port: 301 for GET and HEAD, 308 for other methods (so a WHEP POST stays a
 * POST). {@code /health} stays reachable over HTTP for load balancers and local probes. Registered as a whiteboard
 * preprocessor, so it runs before any servlet context is chosen and covers every path.
 */
final class HttpsRedirect implements Preprocessor {
    private final int httpsPort;

    HttpsRedirect(int httpsPort) {
        this.httpsPort = httpsPort;
    }

    @Override
    public void init(FilterConfig config) {
        // Nothing to set up.
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || request.isSecure() || exempt(request.getRequestURI())) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        String method = request.getMethod();
        boolean safe = "GET".equals(method) || "HEAD".equals(method);
        response.setStatus(safe ? HttpServletResponse.SC_MOVED_PERMANENTLY : 308);
        response.setHeader("Location", location(request.getServerName(), httpsPort, request.getRequestURI(),
                request.getQueryString()));
        response.setContentLength(0);
    }

    @Override
    public void destroy() {
        // Nothing to release.
    }

    static boolean exempt(String path) {
        return "/health".equals(path) || (path != null && path.startsWith("/health/"));
    }

    /** The HTTPS URL for the same host, path and query; the port is left out when it is 443. */
    static String location(String host, int httpsPort, String requestUri, String query) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return "https://" + h + (httpsPort == 443 ? "" : ":" + httpsPort) + (requestUri == null ? "/" : requestUri)
                + (query == null ? "" : "?" + query);
    }
}
