package io.sightline.source.ffmpeg.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers an RTSP server's authentication challenge with Basic (RFC 7617) or Digest (RFC 2617, MD5, with or without
 * {@code qop=auth}), the two schemes cameras use. Holds the credentials; nothing here is ever logged.
 */
final class RtspAuthenticator {
    private static final Pattern PARAM = Pattern.compile("(\\w+)\\s*=\\s*(?:\"([^\"]*)\"|([^,\\s]+))");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String username;
    private final String password;
    private String scheme;
    private Map<String, String> challenge = Map.of();
    private int nonceCount;

    RtspAuthenticator(String username, String password) {
        this.username = username == null ? "" : username;
        this.password = password == null ? "" : password;
    }

    /**
     * Takes a 401's {@code WWW-Authenticate} value(s); answers whether a retry with credentials makes sense (there
     * are credentials, a known scheme, and this is not a repeated refusal of the same challenge).
     */
    boolean answer(String wwwAuthenticate) {
        if (username.isEmpty() || wwwAuthenticate == null) {
            return false;
        }
        String digest = schemeValue(wwwAuthenticate, "digest");
        String basic = schemeValue(wwwAuthenticate, "basic");
        if (digest != null) {
            Map<String, String> p = params(digest);
            boolean stale = "true".equalsIgnoreCase(p.get("stale"));
            if ("digest".equals(scheme) && p.get("nonce") != null && p.get("nonce").equals(challenge.get("nonce"))
                    && !stale) {
                return false; // the same challenge again: the credentials are wrong
            }
            scheme = "digest";
            challenge = p;
            nonceCount = 0;
            return p.get("nonce") != null;
        }
        if (basic != null && !"basic".equals(scheme)) {
            scheme = "basic";
            return true;
        }
        return false;
    }

    /** The {@code Authorization} value for a request, or {@code null} before any challenge. */
    String authorization(String method, String uri) {
        if ("basic".equals(scheme)) {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (!"digest".equals(scheme)) {
            return null;
        }
        String realm = challenge.getOrDefault("realm", "");
        String nonce = challenge.get("nonce");
        String ha1 = md5(username + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        StringBuilder b = new StringBuilder("Digest username=\"").append(username).append("\", realm=\"")
                .append(realm).append("\", nonce=\"").append(nonce).append("\", uri=\"").append(uri).append('"');
        String qop = challenge.get("qop");
        if (qop != null && qop.toLowerCase(Locale.ROOT).contains("auth")) {
            String nc = String.format("%08x", ++nonceCount);
            String cnonce = HexFormat.of().formatHex(RANDOM.generateSeed(8));
            b.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"')
                    .append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2))
                    .append('"');
        } else {
            b.append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + ha2)).append('"');
        }
        String opaque = challenge.get("opaque");
        if (opaque != null) {
            b.append(", opaque=\"").append(opaque).append('"');
        }
        return b.toString();
    }

    /** The parameters after {@code scheme} in a (possibly multi-challenge) header value, or {@code null}. */
    private static String schemeValue(String header, String scheme) {
        String lower = header.toLowerCase(Locale.ROOT);
        int i = lower.indexOf(scheme);
        while (i > 0 && Character.isLetter(lower.charAt(i - 1))) {
            i = lower.indexOf(scheme, i + 1);
        }
        if (i < 0) {
            return null;
        }
        String rest = header.substring(i + scheme.length());
        int next = nextScheme(rest);
        return next < 0 ? rest : rest.substring(0, next);
    }

    private static int nextScheme(String rest) {
        Matcher m = Pattern.compile(",\\s*(?i:basic|digest)\\b").matcher(rest);
        return m.find() ? m.start() : -1;
    }

    static Map<String, String> params(String s) {
        Map<String, String> p = new HashMap<>();
        Matcher m = PARAM.matcher(s);
        while (m.find()) {
            p.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
        }
        return p;
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java platform", e);
        }
    }
}
