package io.sightline.web.console.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One file of the console (a page, script, style sheet or image) as served: its bytes, media type and a strong
 * entity tag derived from the content, so browsers revalidate cheaply and always see a new bundle's files.
 */
record WebAsset(String path, byte[] content, String contentType, String etag) {

    static WebAsset of(String path, byte[] content) {
        return new WebAsset(path, content, MediaTypes.forPath(path), etagOf(content));
    }

    private static String etagOf(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether a request's If-None-Match header names this content (a list, a weak tag or {@code *}). */
    boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return path + " (" + contentType + ", " + content.length + " bytes)";
    }

    /** The media types of the files the console ships; anything else is served as opaque bytes. */
    static final class MediaTypes {
        private MediaTypes() {
        }

        static String forPath(String path) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            String ext = name.lastIndexOf('.') < 0 ? "" : name.substring(name.lastIndexOf('.') + 1).toLowerCase();
            String utf8 = ";charset=" + StandardCharsets.UTF_8.name().toLowerCase();
            return switch (ext) {
                case "html" -> "text/html" + utf8;
                // ES modules are refused by browsers unless served with a JavaScript type.
                case "js", "mjs" -> "text/javascript" + utf8;
                case "css" -> "text/css" + utf8;
                case "json" -> "application/json";
                case "svg" -> "image/svg+xml";
                case "png" -> "image/png";
                case "ico" -> "image/x-icon";
                case "txt", "md" -> "text/plain" + utf8;
                default -> "application/octet-stream";
            };
        }
    }
}
