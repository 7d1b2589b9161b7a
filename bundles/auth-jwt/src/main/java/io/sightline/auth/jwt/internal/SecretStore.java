package io.sightline.auth.jwt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Finds the HS256 secret: the configured file, else the configured value, else a random 256-bit secret generated on
 * first use and kept in a file, so share links work out of the box and stay valid across restarts.
 */
final class SecretStore {
    /** HS256 needs a key at least as long as its 256-bit hash (RFC 7518 section 3.2). */
    static final int MIN_SECRET_BYTES = 32;

    private SecretStore() {
    }

    /**
     * Resolves the secret.
     *
     * @param configured     the {@code hmac.secret} value, possibly empty
     * @param configuredFile the {@code hmac.secret.file} path, possibly empty
     * @param generatedFile  where a generated secret lives
     * @return the secret's bytes
     * @throws IllegalArgumentException when the configured secret is too short (the message never contains it)
     */
    static byte[] resolve(String configured, String configuredFile, Path generatedFile) throws IOException {
        if (configuredFile != null && !configuredFile.isBlank()) {
            return checked(Files.readString(Path.of(configuredFile.strip())).strip(), "hmac.secret.file");
        }
        if (configured != null && !configured.isBlank()) {
            return checked(configured.strip(), "hmac.secret");
        }
        return loadOrGenerate(generatedFile);
    }

    private static byte[] checked(String secret, String source) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(source + " must be at least " + MIN_SECRET_BYTES + " bytes, has "
                    + bytes.length);
        }
        return bytes;
    }

    /** Reads the generated secret, creating it atomically on first use (two racing callers end with the same one). */
    static byte[] loadOrGenerate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[MIN_SECRET_BYTES];
            new SecureRandom().nextBytes(random);
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".secret", ".tmp");
            try {
                restrictToOwner(temp);
                Files.writeString(temp, encoded + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                // Another caller won the race: use its secret.
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return checked(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the data directory's own permissions apply.
        }
    }
}
