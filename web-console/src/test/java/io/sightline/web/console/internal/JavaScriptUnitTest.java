package io.sightline.web.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the player's JavaScript unit tests ({@code src/test/js/*.test.mjs}) with Node's built-in test runner, so
 * {@code mvn verify} covers them without a JavaScript build: the scripts are served as they are written.
 */
class JavaScriptUnitTest {
    private static final Path TESTS = Path.of("src/test/js");

    @Test
    void nodeTestsPass() throws Exception {
        assertTrue(Files.isDirectory(TESTS), "missing " + TESTS.toAbsolutePath());
        Assumptions.assumeTrue(nodeAvailable(), "node is not installed");
        Process node = new ProcessBuilder("node", "--test", "--test-reporter=tap", TESTS.toString())
                .redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node --test did not finish");
        assertEquals(0, node.exitValue(), output);
        assertTrue(output.contains("# fail 0") && !output.contains("# pass 0"), output);
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
