package io.sightline.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code firefox-esr}, headless, with a fresh profile, for pages that report to the test themselves:
 * Debian ships no geckodriver, so instead of driving the browser the test serves the page from a small HTTP server
 * of its own ({@link #pageUrl}) and the page POSTs its findings to {@code /report}, which {@link #nextReport}
 * hands over. The profile keeps every lookup and packet on this machine (all names resolve to 127.0.0.1, no
 * updates, telemetry or plugin downloads) and lets WebRTC use loopback and plain host addresses.
 */
final class HeadlessFirefox implements AutoCloseable {
    static final Path EXECUTABLE = Path.of("/usr/bin/firefox-esr");
    private static final List<String> PREFS = List.of(
            "user_pref(\"network.dns.forceResolve\", \"127.0.0.1\");",
            "user_pref(\"media.autoplay.default\", 0);",
            "user_pref(\"media.autoplay.blocking_policy\", 0);",
            "user_pref(\"media.peerconnection.ice.loopback\", true);",
            "user_pref(\"media.peerconnection.ice.obfuscate_host_addresses\", false);",
            "user_pref(\"media.gmp-manager.updateEnabled\", false);",
            "user_pref(\"media.gmp-gmpopenh264.enabled\", false);",
            "user_pref(\"app.update.enabled\", false);",
            "user_pref(\"app.update.auto\", false);",
            "user_pref(\"extensions.update.enabled\", false);",
            "user_pref(\"browser.shell.checkDefaultBrowser\", false);",
            "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");",
            "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
            "user_pref(\"datareporting.healthreport.uploadEnabled\", false);",
            "user_pref(\"toolkit.telemetry.enabled\", false);",
            "user_pref(\"browser.safebrowsing.malware.enabled\", false);",
            "user_pref(\"browser.safebrowsing.phishing.enabled\", false);",
            "user_pref(\"network.captive-portal-service.enabled\", false);",
            "user_pref(\"network.connectivity-service.enabled\", false);",
            "user_pref(\"browser.newtabpage.enabled\", false);");

    private final HttpServer http;
    private final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
    private final Path profile;
    private Process process;

    /** @param page the HTML the test page serves at {@code /page} */
    HeadlessFirefox(String page) throws IOException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing: apt-get install firefox-esr");
        }
        profile = Files.createTempDirectory("sightline-e2e-firefox");
        Files.write(profile.resolve("user.js"), PREFS, StandardCharsets.UTF_8);
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] html = page.getBytes(StandardCharsets.UTF_8);
        http.createContext("/page", exchange -> respond(exchange, 200, "text/html;charset=utf-8", html));
        http.createContext("/report", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                reports.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            respond(exchange, 204, "text/plain", new byte[0]);
        });
        http.start();
    }

    /** The test page, at this test's own origin. */
    URI pageUrl() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/page");
    }

    void open(URI url) throws IOException {
        process = new ProcessBuilder(EXECUTABLE.toString(), "--headless", "--no-remote", "--profile",
                profile.toString(), url.toString())
                .redirectErrorStream(true)
                // Next to chromedriver.log in target/, kept for diagnosis.
                .redirectOutput(Path.of(SightlineServerExtension.property("e2e.screenshots")).resolveSibling("firefox.log")
                        .toFile())
                .start();
    }

    /** The next report the page POSTed, or null if none came in time. */
    String nextReport(Duration timeout) throws InterruptedException {
        return reports.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        if (process != null) {
            List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
            tree.forEach(ProcessHandle::destroy);
            for (ProcessHandle handle : tree) {
                try {
                    handle.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    handle.destroyForcibly();
                }
            }
        }
        try (Stream<Path> paths = Files.walk(profile)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
