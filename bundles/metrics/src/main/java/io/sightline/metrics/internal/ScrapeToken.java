package io.sightline.metrics.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The secret a scraper must send as {@code Authorization: Bearer <token>}, read from a file so it stays out of the
 * configuration store and the logs. The file is read again when its modification time changes, so a rotated token
 * takes effect without a restart. Only a SHA-256 digest is kept; comparison is of digests, in constant time, which
 * also hides the token's length.
 */
final class ScrapeToken {
    private final Path file;
    private volatile Loaded loaded;

    private record Loaded(long modified, byte[] digest) {
    }

    ScrapeToken(Path file) {
        this.file = file;
    }

    /** The file this token is read from. */
    Path file() {
        return file;
    }

    /**
     * Reads the file if it changed since the last read.
     *
     * @throws IOException when it cannot be read or holds no token; the caller must then refuse every request
     */
    void refresh() throws IOException {
        long modified = Files.getLastModifiedTime(file).toMillis();
        Loaded current = loaded;
        if (current != null && current.modified() == modified) {
            return;
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            loaded = null;
            throw new IOException("the token file is empty");
        }
        loaded = new Loaded(modified, sha256(token));
    }

    /** Whether the {@code Authorization} header carries this token; false if none has been loaded. */
    boolean matches(String authorization) {
        Loaded current = loaded;
        if (current == null || authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(current.digest(), sha256(authorization.substring(7).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "token file " + file; // never the token
    }

}
