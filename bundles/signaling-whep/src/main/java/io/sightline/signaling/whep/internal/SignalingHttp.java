package io.sightline.signaling.whep.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The HTTP pieces the WHEP and WHIP endpoints share: content types, bounded bodies, bearer tokens, entity tags, CORS
 * and plain-text refusals. One copy, so both endpoints refuse the same request the same way.
 */
final class SignalingHttp {
    static final String SDP = "application/sdp";
    static final String SDP_FRAG = "application/trickle-ice-sdpfrag";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SignalingHttp() {
    }

    /** Whether the request's media type (without parameters) is {@code type}. */
    static boolean hasType(HttpServletRequest req, String type) {
        String ct = req.getContentType();
        if (ct == null) {
            return false;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().equalsIgnoreCase(type);
    }

    /** The body as UTF-8, or null when it is longer than {@code max} bytes (read no further than that). */
    static String readBody(HttpServletRequest req, int max) throws IOException {
        if (req.getContentLengthLong() > max) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, Math.min(max, req.getContentLength())));
        byte[] buf = new byte[8192];
        try (InputStream in = req.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0;) {
                if (out.size() + n > max) {
                    return null;
                }
                out.write(buf, 0, n);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@code Authorization: Bearer} (RFC 6750 section 2.1) or a {@code token} query parameter, else null. */
    static String bearerToken(HttpServletRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        return req.getParameter("token");
    }

    /** A fresh strong entity tag. */
    static String newEtag() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "\"" + HexFormat.of().formatHex(b) + "\"";
    }

    /** A random id for a URL: 128 bits, hex. */
    static String randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The CORS headers every answer carries (the Fetch spec; RFC 9725 section 4.6). */
    static void cors(HttpServletResponse resp, String allowedOrigin) {
        resp.setHeader("Access-Control-Allow-Origin", allowedOrigin);
        resp.setHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS");
        resp.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match");
        resp.setHeader("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Post, Accept-Patch, Retry-After");
        resp.setHeader("Access-Control-Max-Age", "600");
    }

    /** A status with a one-line plain-text reason. */
    static void text(HttpServletResponse resp, int status, String reason) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.getOutputStream().write((reason + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
