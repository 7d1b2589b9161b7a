package io.sightline.tls.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Files only the server's user may read: the keystore and its password. */
final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    static Path createTemp(Path dir) throws IOException {
        Path temp = Files.createTempFile(dir, ".tls", ".tmp");
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the data directory's own permissions apply.
        }
        return temp;
    }

    /**
     * The keystore password: random, made once and kept, so the Pax Web configuration stays the same across restarts
     * (a changed configuration restarts every web application).
     */
    static char[] loadOrCreatePassword(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = createTemp(dir);
            try {
                Files.writeString(temp, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n",
                        StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                // Made by a concurrent activation: use it.
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip().toCharArray();
    }
}
