package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 point 3: a Chromium viewer behind a slow link is moved down the ladder and back up when the link recovers.
 * The camera is a {@code source.type = file} stream looping a 720p x264 clip made by the ffmpeg CLI (passed
 * through); the viewer reaches the SFU through {@link LimitedLinkRelay} (the page's WHEP answer gets the relay as
 * its only candidate), first at 100 kbit/s, then at 5 Mbit/s. The rung is what the server says it sends the viewer
 * ({@code rendition} of the WHEP session's GET, shown by the player's stats overlay). Back up means back to the source
 * (the top rung), after a probe showed it fits (decision 0044).
 */
@ExtendWith(SightlineServerExtension.class)
class AdaptiveRungE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();
    private static final String STREAM = "slowlink";
    private static final Pattern CANDIDATE_PORT = Pattern.compile("(?i)a=candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 (\\d+) typ host");
    private static final Pattern KBPS = Pattern.compile("@(\\d+)$");
    private static SightlineServer server;

    @BeforeAll
    static void camera(SightlineServer running) throws Exception {
        server = running;
        Path home = server.home();
        Path clip = home.resolve("camera-720p.mp4");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=1280x720:rate=30", "-t", "6", "-c:v", "libx264", "-preset", "veryfast",
                "-profile:v", "baseline", "-b:v", "1500k", "-bf", "0", "-g", "30", "-pix_fmt", "yuv420p", "-an",
                clip.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("ffmpeg.log").toFile()).start();
        assertTrue(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0,
                "ffmpeg made the clip: " + Files.readString(home.resolve("ffmpeg.log")));
        Files.writeString(home.resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                "source.type = file", "source.url = " + clip, "source.loop = true", "access = public",
                "renditions = 1280x720@1500, 320x180@150", ""), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aViewerBehindASlowLinkDropsToALowerRungAndComesBack() throws Exception {
        int sfuPort = sfuPort();
        try (LimitedLinkRelay relay = new LimitedLinkRelay(new InetSocketAddress("127.0.0.1", sfuPort), 100)) {
            browser.beforeEachPage("""
                    const originalFetch = window.fetch;
                    window.fetch = async function (input, init) {
                      const post = init && init.method === 'POST' && String(input).includes('/whep/');
                      const response = await originalFetch.apply(this, arguments);
                      if (!post || response.status !== 201) return response;
                      const lines = (await response.text()).split('\\r\\n').filter((l) => !l.startsWith('a=candidate:'));
                      const at = lines.findIndex((l) => l.startsWith('a=ice-pwd:'));
                      lines.splice(at + 1, 0, 'a=candidate:1 1 udp 2130706431 127.0.0.1 %d typ host');
                      return new Response(lines.join('\\r\\n'), { status: response.status, headers: response.headers });
                    };""".formatted(relay.port()));
            browser.open(server.url("/play/" + STREAM + "?muted=1&stats=1"));
            List<String> seen = new ArrayList<>();
            long start = System.nanoTime();
            int lowest = awaitRung(seen, start, 30, r -> r < 1500 && r > 0);
            System.out.println("at 100 kbit/s the viewer went down to " + lowest + " kbit/s; seen " + seen);
            relay.rateKbps(5000);
            long opened = System.nanoTime();
            // Moves up wait for a probe (decision 0044); one that fits the source takes the viewer straight there.
            awaitRung(seen, start, 45, r -> r == Integer.MAX_VALUE);
            System.out.printf("at 5 Mbit/s the viewer came back to the source in %.1f s; rungs seen %s; relay dropped %d%n",
                    (System.nanoTime() - opened) / 1e9, seen, relay.dropped());
        }
    }

    /** Polls the overlay's rung every 500 ms until {@code wanted} holds for its bitrate (source: MAX_VALUE). */
    private static int awaitRung(List<String> seen, long start, int seconds, java.util.function.IntPredicate wanted)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(seconds);
        while (Instant.now().isBefore(deadline)) {
            Object stats = browser.script("return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;");
            if (stats instanceof Map<?, ?> m && m.get("serverRendition") instanceof String rung) {
                String at = String.format("%.1fs:%s", (System.nanoTime() - start) / 1e9, rung);
                if (seen.isEmpty() || !seen.get(seen.size() - 1).endsWith(":" + rung)) {
                    seen.add(at);
                }
                int kbps = kbps(rung);
                if (wanted.test(kbps)) {
                    return kbps;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no such rung within " + seconds + " s; rungs seen " + seen);
    }

    private static int kbps(String rung) {
        if (rung.equals("source")) {
            return Integer.MAX_VALUE;
        }
        Matcher m = KBPS.matcher(rung);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The SFU's UDP port: every session shares it, so one probe answer names it. */
    private static int sfuPort() throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            var answer = WhepProbe.post(server, STREAM);
            last = answer.statusCode() + " " + answer.body();
            Matcher m = CANDIDATE_PORT.matcher(answer.body());
            if (answer.statusCode() == 201 && m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(500);
        }
        throw new AssertionError(STREAM + " not served within 60 s; last answer: " + last);
    }
}
