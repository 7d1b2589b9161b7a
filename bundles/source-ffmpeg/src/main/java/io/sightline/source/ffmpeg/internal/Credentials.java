package io.sightline.source.ffmpeg.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Puts {@code source.username}/{@code source.password} into a URL's user-info and takes every trace of them out of
 * text meant for logs and error messages. Whatever a source writes about its URL goes through {@link #redact}.
 */
final class Credentials {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]*@");
    private static final String MASK = "***@";

    private final String username;
    private final String password;

    Credentials(String username, String password) {
        this.username = username == null ? "" : username;
        this.password = password == null ? "" : password;
    }

    /**
     * The URL with the credentials as its user-info (percent-encoded), replacing any it had; unchanged when no
     * username is configured or the URL has no authority ({@code file}, devices).
     */
    String apply(String url) {
        int scheme = url.indexOf("://");
        if (username.isEmpty() || scheme < 0) {
            return url;
        }
        String rest = url.substring(scheme + 3);
        int slash = rest.indexOf('/');
        int at = rest.lastIndexOf('@', slash < 0 ? rest.length() : slash);
        String hostAndPath = at >= 0 ? rest.substring(at + 1) : rest;
        String info = encode(username) + (password.isEmpty() ? "" : ":" + encode(password));
        return url.substring(0, scheme + 3) + info + "@" + hostAndPath;
    }

    /** The text with any URL user-info masked and the configured username and password removed. */
    String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = USER_INFO.matcher(text).replaceAll(MASK);
        for (String secret : new String[] {password, encode(password), username, encode(username)}) {
            if (secret.length() >= 3) { // shorter values would mangle ordinary words
                out = out.replace(secret, "***");
            }
        }
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
