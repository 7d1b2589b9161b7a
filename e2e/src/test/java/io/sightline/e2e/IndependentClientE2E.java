package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo stream played by a WebRTC stack that shares nothing with the server's or Chromium's: libdatachannel via
 * npm {@code node-datachannel} ({@code benchmarks/load/check-h264.js}). The script POSTs a WHEP offer, decrypts the
 * SRTP, depacketizes H.264 and reports what it got as one JSON line; this test asserts on it.
 *
 * <p>Needs {@code node} and {@code npm ci} run once in {@code benchmarks/load} (the directory can be overridden with
 * the system property {@code e2e.nodeClientDir}).
 */
@ExtendWith(SightlineServerExtension.class)
class IndependentClientE2E {
    private static final long KEYFRAME_LIMIT_MS = 2000;
    private static SightlineServer server;

    @BeforeAll
    static void server(SightlineServer running) {
        server = running;
    }

    @Test
    void nodeDatachannelReceivesAndDecryptsAnH264Keyframe() throws Exception {
        String json = runClient(server.url("/whep/demo").toString());

        assertEquals("true", field(json, "ok"), "client result: " + json);
        assertTrue(number(json, "keyframeMs") <= KEYFRAME_LIMIT_MS, "keyframe within 2 s of the POST: " + json);
        String nalTypes = field(json, "nalTypes");
        for (String type : List.of("5", "7", "8")) {
            assertTrue(List.of(nalTypes.replaceAll("[\\[\\] ]", "").split(",")).contains(type),
                    "IDR (5), SPS (7) and PPS (8) NAL units: " + json);
        }
        assertTrue(number(json, "stapA") >= 1, "SPS and PPS travel in a STAP-A: " + json);
        assertTrue(number(json, "fuA") >= 2, "a 720p IDR is fragmented into FU-A packets: " + json);
        assertTrue(number(json, "idrBytes") > 1000, "a real IDR slice: " + json);
        // The answer states the stream's profile and level (decision 0016): the demo's SPS says Constrained Baseline
        // as 42c0, the answer spells it 42e0 as the client offered, with the SPS's level.
        String sps = field(json, "sps").replace("\"", "");
        String fmtp = field(json, "answerFmtp");
        assertNotNull(sps);
        assertTrue(sps.startsWith("6742c0"), "OpenH264 writes Constrained Baseline as 42c0: " + sps);
        assertTrue(fmtp.contains("profile-level-id=42e0" + sps.substring(6, 8)), "answer " + fmtp + " vs SPS " + sps);
        assertTrue(fmtp.contains("packetization-mode=1"), fmtp);
    }

    @Test
    void nodeDatachannelReceivesH264FromAStreamWithOpusAudio() throws Exception {
        // Its offer has no audio section: the answer leaves the stream's Opus out and sends the H.264 alone.
        InteropStreams.ensureAudioStream(server);
        String json = runClient(server.url("/whep/" + InteropStreams.WITH_AUDIO).toString());

        assertEquals("true", field(json, "ok"), "client result: " + json);
        assertTrue(number(json, "idrBytes") > 1000, "a real IDR slice: " + json);
        assertTrue(field(json, "answerFmtp").contains("profile-level-id=42e01e"), "x264's 42c01e in the offer's "
                + "spelling: " + json);
    }

    private static String runClient(String whepUrl) throws IOException, InterruptedException {
        Path dir = clientDir();
        if (!Files.isDirectory(dir.resolve("node_modules/node-datachannel"))) {
            throw new IllegalStateException("node-datachannel is not installed: run `npm ci` in " + dir);
        }
        Process p = new ProcessBuilder("node", "check-h264.js", whepUrl, String.valueOf(KEYFRAME_LIMIT_MS))
                .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the node client did not finish within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        System.out.println("node-datachannel client: " + out);
        String last = out.substring(out.lastIndexOf('\n') + 1);
        assertTrue(last.startsWith("{"), "no JSON from the client: " + out);
        return last;
    }

    private static Path clientDir() {
        String configured = System.getProperty("e2e.nodeClientDir");
        if (configured != null) {
            return Path.of(configured);
        }
        // failsafe runs in the e2e module directory
        return Path.of(System.getProperty("user.dir")).resolve("../benchmarks/load").normalize();
    }

    /** The raw JSON value of a top-level field (string with quotes, number, boolean or array), or null. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|\\[[^\\]]*\\]|[^,}]*)")
                .matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static double number(String json, String name) {
        String v = field(json, name);
        assertNotNull(v, "no " + name + " in " + json);
        return Double.parseDouble(v);
    }
}
