package io.sightline.source.testpattern.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.source.testpattern.timecode.TimecodeFormat;
import io.sightline.source.testpattern.timecode.TimecodeReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the browser reader (web-console's js/timecode.js) under Node on pictures this bundle painted, converted to
 * RGBA as a browser would, and checks that it reads what the Java reader reads.
 */
class JavaScriptTimecodeReaderTest {
    private static final Path READER = Path.of("../../web-console/src/main/resources/web/js/timecode.js");

    @TempDir
    Path dir;

    @Test
    void javaScriptReaderAgreesWithJavaReader() throws Exception {
        assertTrue(Files.isRegularFile(READER), "missing " + READER.toAbsolutePath());
        Assumptions.assumeTrue(nodeAvailable(), "node is not installed");

        List<String> cases = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        long[] times = {1_764_079_261_337L, 0L, TimecodeFormat.VALUE_MASK, 1_700_000_000_001L};
        int[][] sizes = {{1280, 720}, {640, 360}, {1920, 1080}, {320, 180}};
        for (int i = 0; i < times.length; i++) {
            int w = sizes[i][0];
            int h = sizes[i][1];
            byte[] picture = new PatternRenderer(w, h, 30, "js-" + i).render(i, times[i]);
            byte[] rgba = Pictures.toRgba(picture, w, h);
            String javaRead = TimecodeReader.read(picture, 0, w, h, w).stream().mapToObj(Long::toString).findFirst()
                    .orElse("null");
            assertEquals(Long.toString(times[i]), javaRead);
            cases.add(image("full" + i, rgba, w, h, h));
            expected.add(javaRead);
            cases.add(image("half" + i, halve(rgba, w, h), w / 2, h / 2, h / 2));
            expected.add(javaRead);
            // Only the strip's rows, as watchTimecode copies them out of its canvas.
            int rows = TimecodeFormat.stripRows(h);
            cases.add(image("strip" + i, Arrays.copyOf(rgba, w * rows * 4), w, rows, h));
            expected.add(javaRead);
            byte[] corrupt = rgba.clone();
            invertCellRgba(corrupt, w, h, 30);
            cases.add(image("corrupt" + i, corrupt, w, h, h));
            expected.add("null");
            cases.add("{\"crc\":" + times[i] + "}");
            expected.add(Integer.toString(TimecodeFormat.crc8(times[i])));
        }
        Path manifest = dir.resolve("cases.json");
        Files.writeString(manifest, "[" + String.join(",", cases) + "]");
        Path script = dir.resolve("run.mjs");
        Files.writeString(script, String.join("\n",
                "import { readFileSync } from 'node:fs';",
                "const { readTimecode, crc8 } = await import(process.argv[2]);",
                "const cases = JSON.parse(readFileSync(process.argv[3], 'utf8'));",
                "for (const c of cases) {",
                "  if (c.crc !== undefined) { console.log(String(crc8(c.crc))); continue; }",
                "  const data = new Uint8ClampedArray(readFileSync(c.file));",
                "  const value = readTimecode({ data, width: c.width, height: c.height }, { frameHeight: c.frameHeight });",
                "  console.log(String(value));",
                "}", ""));
        Process node = new ProcessBuilder("node", script.toString(), READER.toAbsolutePath().normalize().toUri().toString(),
                manifest.toString()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node timed out");
        assertEquals(0, node.exitValue(), output);
        assertEquals(expected, output.lines().toList());
    }

    private String image(String name, byte[] rgba, int width, int height, int frameHeight) throws IOException {
        Path file = dir.resolve(name + ".rgba");
        Files.write(file, rgba);
        return "{\"file\":\"" + file.toString().replace("\\", "\\\\") + "\",\"width\":" + width + ",\"height\":"
                + height + ",\"frameHeight\":" + frameHeight + "}";
    }

    private static byte[] halve(byte[] rgba, int width, int height) {
        int w = width / 2;
        int h = height / 2;
        byte[] out = new byte[w * h * 4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 4; c++) {
                    int sum = (rgba[((2 * y) * width + 2 * x) * 4 + c] & 0xFF)
                            + (rgba[((2 * y) * width + 2 * x + 1) * 4 + c] & 0xFF)
                            + (rgba[((2 * y + 1) * width + 2 * x) * 4 + c] & 0xFF)
                            + (rgba[((2 * y + 1) * width + 2 * x + 1) * 4 + c] & 0xFF);
                    out[(y * w + x) * 4 + c] = (byte) ((sum + 2) / 4);
                }
            }
        }
        return out;
    }

    private static void invertCellRgba(byte[] rgba, int width, int height, int cell) {
        for (int y = 0; y < TimecodeFormat.stripRows(height); y++) {
            for (int x = TimecodeFormat.cellLeft(cell, width); x < TimecodeFormat.cellLeft(cell + 1, width); x++) {
                for (int c = 0; c < 3; c++) {
                    rgba[(y * width + x) * 4 + c] = (byte) (255 - (rgba[(y * width + x) * 4 + c] & 0xFF));
                }
            }
        }
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
