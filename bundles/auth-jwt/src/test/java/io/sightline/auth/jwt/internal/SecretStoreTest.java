package io.sightline.auth.jwt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretStoreTest {
    @TempDir
    Path dir;

    @Test
    void generatedSecretIsPersistedPrivateAndReused() throws Exception {
        Path file = dir.resolve("data/hmac.secret");
        byte[] first = SecretStore.resolve("", "", file);
        byte[] second = SecretStore.resolve(null, null, file);
        assertArrayEquals(first, second);
        assertTrue(first.length >= SecretStore.MIN_SECRET_BYTES);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var leftovers = Files.list(file.getParent())) {
            assertEquals(1, leftovers.count(), "no temporary file left behind");
        }
    }

    @Test
    void secretFileWinsOverValue() throws Exception {
        Path file = dir.resolve("secret.txt");
        Files.writeString(file, "from-the-file-0123456789-0123456789\n");
        byte[] secret = SecretStore.resolve("from-the-value-0123456789-0123456789", file.toString(),
                dir.resolve("generated"));
        assertEquals("from-the-file-0123456789-0123456789", new String(secret, StandardCharsets.UTF_8));
        assertFalse(Files.exists(dir.resolve("generated")));
    }

    @Test
    void shortSecretIsRefusedWithoutRevealingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecretStore.resolve("hunter2", "", dir.resolve("generated")));
        assertFalse(e.getMessage().contains("hunter2"));
        assertTrue(e.getMessage().contains("hmac.secret"));
    }
}
