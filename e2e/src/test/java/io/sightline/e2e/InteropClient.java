package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a third-party WHEP client that prints its result as one JSON line (werift in node, GStreamer's webrtcbin in
 * python) and reads fields from that line. The clients live in {@code e2e/clients} ({@code npm ci} there, as
 * {@code scripts/test} does) and in the test resources.
 */
final class InteropClient {
    private InteropClient() {
    }

    /** {@code e2e/clients}: failsafe runs in the e2e module directory; {@code e2e.clientsDir} overrides it. */
    static Path clientsDir() {
        String configured = System.getProperty("e2e.clientsDir");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.dir")).resolve("clients").normalize();
    }

    /** Runs {@code command} in {@code dir}, waits up to {@code timeoutSeconds}, and returns its last JSON line. */
    static String run(String name, Path dir, long timeoutSeconds, List<String> command)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not finish within " + timeoutSeconds + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        System.out.println(name + ": " + out);
        String last = out.substring(out.lastIndexOf('\n') + 1);
        assertTrue(last.startsWith("{"), "no JSON from " + name + ": " + out);
        return last;
    }

    /** The raw JSON value of a top-level field (string with quotes, number, boolean or array), or null. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\": ?(\"(?:[^\"\\\\]|\\\\.)*\"|\\[[^\\]]*\\]|[^,}]*)")
                .matcher(json);
        return m.find() ? m.group(1).trim() : null;
    }

    /** A string field without its quotes, or null. */
    static String text(String json, String name) {
        String v = field(json, name);
        return v == null || !v.startsWith("\"") ? null : v.substring(1, v.length() - 1);
    }

    static double number(String json, String name) {
        String v = field(json, name);
        assertNotNull(v, "no " + name + " in " + json);
        return Double.parseDouble(v);
    }

    /** The numbers of an array field ({@code [1,5,7,8]}). */
    static List<String> list(String json, String name) {
        String v = field(json, name);
        assertNotNull(v, "no " + name + " in " + json);
        return List.of(v.replaceAll("[\\[\\] ]", "").split(","));
    }
}
