package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from PEM files on the real distribution: a self-signed pair made by {@code openssl}, the {@code sightline-tls}
 * feature dropped into {@code deploy/} at runtime, then HTTPS health, the redirect of plain HTTP and the exemption of
 * {@code /health}. Runs its own server, because enabling HTTPS restarts the web server and redirects every HTTP call.
 */
class TlsE2E {
    private static final Duration HTTPS_TIMEOUT = Duration.ofSeconds(90);

    @Test
    void httpsFromPemFilesWithRedirect(@TempDir Path certs) throws Exception {
        Path cert = certs.resolve("cert.pem");
        Path key = certs.resolve("key.pem");
        run(certs, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString());
        // A free port, not a fixed one: another run of the suite on this machine must not collide with this one.
        int httpsPort = SightlineServer.freePort();
        Path workDir = Path.of(SightlineServerExtension.property("e2e.workDir") + "-tls");
        try (SightlineServer server = SightlineServer.start(
                Path.of(SightlineServerExtension.property("sightline.distribution")), workDir)) {
            Files.writeString(server.home().resolve("etc/io.sightline.tls.cfg"), String.join("\n",
                    "cert.file = " + cert, "key.file = " + key, "https.port = " + httpsPort,
                    "redirect.http = true", ""));
            Files.writeString(server.home().resolve("deploy/sightline-tls-e2e.xml"), """
                    <features name="sightline-tls-e2e" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
                      <feature name="sightline-tls-e2e" install="auto"><feature>sightline-tls</feature></feature>
                    </features>
                    """);

            HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert)).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
            URI httpsHealth = URI.create("https://127.0.0.1:" + httpsPort + "/health");
            HttpResponse<String> health = awaitHttps(https, httpsHealth, server);
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("\"status\""), health.body());

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<Void> page = awaitRedirect(http, server.url("/play/demo?token=abc"));
            assertEquals(301, page.statusCode());
            assertEquals("https://127.0.0.1:" + httpsPort + "/play/demo?token=abc",
                    page.headers().firstValue("Location").orElse(""));
            HttpResponse<Void> post = http.send(HttpRequest.newBuilder(server.url("/whep/demo"))
                    .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString("v=0\r\n"))
                    .build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(308, post.statusCode(), "a POST stays a POST");
            assertEquals(200, http.send(HttpRequest.newBuilder(server.url("/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "/health is not redirected");
            HttpResponse<String> player = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + httpsPort + "/play/demo")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, player.statusCode());
        }
    }

    /** Waits until the feature is installed, the keystore written and Pax Web has opened the HTTPS port. */
    private static HttpResponse<String> awaitHttps(HttpClient https, URI uri, SightlineServer server)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(HTTPS_TIMEOUT);
        IOException last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> response = https.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(500);
        }
        // Seen once in ~10 runs: Pax Web logged the HTTPS connector started, then its reconfiguration thread went
        // silent and the port refused connections. Keep the threads for whoever meets it next.
        Path threads = server.dumpThreads("tls-threads.txt");
        throw new AssertionError("HTTPS did not answer on " + uri + " within " + HTTPS_TIMEOUT + "; threads: " + threads
                + ", log: " + server.home().resolve("data/log/karaf.log"), last);
    }

    /** Right after HTTPS opens, Pax Web may still be re-registering the preprocessor: give it a few seconds. */
    private static HttpResponse<Void> awaitRedirect(HttpClient http, URI uri) throws Exception {
        HttpResponse<Void> response = null;
        for (int i = 0; i < 20; i++) {
            response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 301) {
                return response;
            }
            Thread.sleep(500);
        }
        return response;
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("e2e", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
