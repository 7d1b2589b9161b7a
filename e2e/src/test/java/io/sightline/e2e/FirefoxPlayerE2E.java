package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code <sightline-player>} element in Debian's headless Firefox ESR, embedded in a page of another origin
 * (the test's own HTTP server), playing the VP8 stream (Firefox here has no H.264: it would download OpenH264 at
 * run time). The page reports the player's figures to the test every half second.
 */
@ExtendWith(SightlineServerExtension.class)
class FirefoxPlayerE2E {
    private static final Pattern NUMBER = Pattern.compile("\"%s\":(-?[0-9.eE+-]+)");

    @Test
    void thePlayerElementPlaysVp8InFirefoxFromAnotherOrigin(SightlineServer server) throws Exception {
        String base = server.url("/").toString();
        String page = """
                <!doctype html><html><body>
                <sightline-player stream="vp8" server="%1$s" style="width:640px"></sightline-player>
                <script type="module">
                  import '%1$splayer/sightline-player.js';
                  const player = document.querySelector('sightline-player');
                  setInterval(() => {
                    const s = player.stats() || { state: 'none' };
                    s.rvfc = 'requestVideoFrameCallback' in HTMLVideoElement.prototype;
                    fetch('/report', { method: 'POST', body: JSON.stringify(s) });
                  }, 500);
                </script></body></html>""".formatted(base);
        try (HeadlessFirefox firefox = new HeadlessFirefox(page)) {
            firefox.open(firefox.pageUrl());
            String report = awaitReport(firefox, Duration.ofSeconds(45),
                    r -> r.contains("\"state\":\"live\"") && number(r, "framesDecoded") > 30);
            System.out.println("firefox playing: " + report);
            assertTrue(report.contains("VP8"), "negotiated codec: " + report);
            if (report.contains("\"rvfc\":true")) {
                // Firefox 132+ has requestVideoFrameCallback: the timecode is read there too.
                String measured = awaitReport(firefox, Duration.ofSeconds(10), r -> !Double.isNaN(number(r, "latencyMs")));
                double latency = number(measured, "latencyMs");
                assertTrue(latency > 0 && latency < 500, "glass-to-glass latency in Firefox " + latency + " ms");
            }
        }
    }

    private static String awaitReport(HeadlessFirefox firefox, Duration timeout, Predicate<String> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            String report = firefox.nextReport(Duration.ofSeconds(1));
            if (report != null) {
                last = report;
                if (done.test(report)) {
                    return report;
                }
            }
        }
        throw new AssertionError("Firefox did not get there within " + timeout.toSeconds() + " s; last report: " + last);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile(NUMBER.pattern().formatted(Pattern.quote(key))).matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
