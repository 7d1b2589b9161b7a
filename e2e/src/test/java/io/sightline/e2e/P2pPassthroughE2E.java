package io.sightline.e2e;

import static io.sightline.e2e.HeadlessChromium.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A P2P viewer of a passthrough stream: a {@code source.type = file} stream loops an H.264 MP4 made by the ffmpeg CLI
 * at test time (no B-frames, so the source passes the H.264 through instead of re-encoding), the stream decodes it
 * once for raw-picture subscribers, and the P2P transport (installed at run time as in {@link P2pPlayerE2E}) encodes
 * those pictures for headless Chromium, which decodes frames. Before decode-once this stream answered 406.
 *
 * <p>Also prints a rough CPU split of the Karaf JVM's threads while one viewer plays: the stream's one decoder thread
 * against libwebrtc's per-viewer encoder threads (Linux {@code /proc}, noisy on a shared machine).
 */
@ExtendWith(SightlineServerExtension.class)
class P2pPassthroughE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();
    private static final String STREAM = "p2ppassthrough";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static SightlineServer server;

    @BeforeAll
    static void passthroughStreamServedByP2p(SightlineServer running) throws Exception {
        server = running;
        Path home = server.home();
        Path clip = home.resolve("clip-h264.mp4");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=640x360:rate=30", "-t", "6", "-c:v", "libx264", "-profile:v", "baseline",
                "-bf", "0", "-g", "30", "-pix_fmt", "yuv420p", "-an", clip.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("ffmpeg.log").toFile()).start();
        assertTrue(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0,
                "ffmpeg made the clip: " + Files.readString(home.resolve("ffmpeg.log")));
        Files.writeString(home.resolve("etc/io.sightline.transport.p2p.cfg"), "port.min = 9450\nport.max = 9469\n",
                StandardCharsets.ISO_8859_1);
        Files.writeString(home.resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                "source.type = file", "source.url = " + clip, "source.loop = true", "access = public",
                "transport.mode = p2p", ""), StandardCharsets.ISO_8859_1);
        Files.writeString(home.resolve("deploy/sightline-p2p-passthrough-e2e.xml"), String.join("\n",
                "<features name=\"sightline-p2p-passthrough-e2e\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">",
                "  <feature name=\"sightline-p2p-passthrough-e2e\" version=\"1.0.0\" install=\"auto\">",
                "    <feature>sightline-transport-p2p</feature>",
                "  </feature>",
                "</features>", ""), StandardCharsets.UTF_8);
        awaitP2pAnswer();
    }

    @Test
    void aP2pViewerOfAPassthroughStreamDecodesFrames() throws Exception {
        assertTrue(Files.readString(server.home().resolve("data/log/karaf.log"))
                .contains("Stream '" + STREAM + "': passthrough tracks"), "the file source passes H.264 through");
        long opened = System.nanoTime();
        browser.open(server.url("/play/" + STREAM + "?stats=1"));
        browser.await(Duration.ofSeconds(30), "the first decoded frame", P2pPassthroughE2E::stats,
                s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 0);
        long firstFrameMs = (System.nanoTime() - opened) / 1_000_000;
        Map<String, Object> live = browser.await(Duration.ofSeconds(30), "more than 60 decoded frames",
                P2pPassthroughE2E::stats, s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 60);
        System.out.println("P2P of a passthrough stream playing (page open to first frame " + firstFrameMs + " ms): "
                + live);
        assertEquals(640.0, number(live, "width"), "picture width: " + live);

        Map<String, Long> before = threadCpuTicks();
        double decoded = number(stats(), "framesDecoded");
        Thread.sleep(5000);
        Map<String, Long> after = threadCpuTicks();
        double frames = number(stats(), "framesDecoded") - decoded;
        assertTrue(frames > 60, "frames keep coming: " + frames + " in 5 s");
        reportCpu(before, after, 5.0, frames);
        browser.screenshot("P2pPassthroughE2E-live");
    }

    /** Posts receive-only offers until P2P answers 201 with a full-ICE (libwebrtc) answer; deletes each session. */
    private static void awaitP2pAnswer() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = WhepProbe.post(server, STREAM);
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 201) {
                if (!answer.body().contains("a=ice-lite")) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("passthrough stream not served by P2P within 60 s; last answer: " + last);
    }

    /** CPU ticks per thread name (numbers stripped, so a thread pool's threads add up) of the Karaf JVM. */
    private static Map<String, Long> threadCpuTicks() throws IOException {
        long pid = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("java") && c.contains(
                        server.home().toAbsolutePath().normalize().toString())).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("Karaf JVM not found")).pid();
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9-]+$", "");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException e) {
                    // The thread ended meanwhile.
                }
            }
        }
        return ticks;
    }

    private static void reportCpu(Map<String, Long> before, Map<String, Long> after, double seconds, double frames) {
        Map<String, Double> percent = new HashMap<>();
        after.forEach((name, t) -> percent.put(name, (t - before.getOrDefault(name, 0L)) / seconds)); // 100 ticks/s
        List<String> top = percent.entrySet().stream().filter(e -> e.getValue() > 0.5)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(12)
                .map(e -> String.format("%s %.1f%%", e.getKey(), e.getValue())).collect(Collectors.toList());
        System.out.printf("MEASUREMENT P2P passthrough 640x360@30, one viewer, %.0f frames in %.0f s: thread CPU "
                + "(%% of one core) %s%n", frames, seconds, top);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.script(STATS);
    }
}
