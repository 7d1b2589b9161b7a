package io.sightline.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Saves what the browser shows: {@code target/screenshots/<name>.png} and the page's console log beside it. Taken
 * for every failed test, and by tests that want a record of a passing state.
 */
final class Screenshots {
    private Screenshots() {
    }

    static void save(String name, Supplier<byte[]> png, Supplier<String> console) {
        Path dir = Path.of(SightlineServerExtension.property("e2e.screenshots"));
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            Files.createDirectories(dir);
            Path shot = dir.resolve(safe + ".png");
            Files.write(shot, png.get());
            Files.writeString(dir.resolve(safe + ".console.txt"), console.get(), StandardCharsets.UTF_8);
            System.err.println("Screenshot: " + shot);
        } catch (IOException | RuntimeException e) {
            // Never hide the test's own failure behind a diagnostics problem.
            System.err.println("Could not save the screenshot " + safe + ": " + e);
        }
    }
}
