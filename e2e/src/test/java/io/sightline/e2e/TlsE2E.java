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
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from PEM files on the real distribution: a self-signed pair made by {@code openssl}, the {@code sightline-tls}
 * feature dropped into {@code deploy/} at runtime, then HTTPS health, the redirect of plain HTTP and the exemption of
 * {@code /health}, then a certificate renewal under a client loop that must not fail once. Runs its own server,
 * because enabling HTTPS restarts the web server and redirects every HTTP call.
 */
class TlsE2E {
    private static final Duration HTTPS_TIMEOUT = Duration.ofSeconds(90);

    @Test
    void httpsFromPemFilesWithRedirect(@TempDir Path certs) throws Exception {
        Path cert = certs.resolve("cert.pem");
        Path key = certs.resolve("key.pem");
        selfSigned(certs, cert, key);
        // A free port, not a fixed one: another run of the suite on this machine must not collide with this one.
        int httpsPort = SightlineServer.freePort();
        Path workDir = Path.of(SightlineServerExtension.property("e2e.workDir") + "-tls");
        try (SightlineServer server = SightlineServer.start(
                Path.of(SightlineServerExtension.property("sightline.distribution")), workDir)) {
            Files.writeString(server.home().resolve("etc/io.sightline.tls.cfg"), String.join("\n",
                    "cert.file = " + cert, "key.file = " + key, "https.port = " + httpsPort,
                    "redirect.http = true", "reload.check.seconds = 1", ""));
            Files.writeString(server.home().resolve("deploy/sightline-tls-e2e.xml"), """
                    <features name="sightline-tls-e2e" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
                      <feature name="sightline-tls-e2e" install="auto"><feature>sightline-tls</feature></feature>
                    </features>
                    """);

            Path renewedCert = certs.resolve("renewed-cert.pem");
            Path renewedKey = certs.resolve("renewed-key.pem");
            selfSigned(certs, renewedCert, renewedKey);
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert, renewedCert)).version(HttpClient.Version.HTTP_1_1)
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
            // The web console registers its pages after /health answers (the boot's later features): wait for it.
            HttpResponse<String> player = awaitHttps(https,
                    URI.create("https://127.0.0.1:" + httpsPort + "/play/demo"), server);
            assertEquals(200, player.statusCode());

            assertRenewalInterruptsNobody(https, httpsHealth, cert, key, renewedCert, renewedKey, server);
        }
    }

    /**
     * A certificate renewal (new files in place, as certbot writes them) while a client keeps asking: the running
     * connector loads the new pair (a fresh connection sees it) and not one request fails, because Pax Web is not
     * restarted.
     */
    private static void assertRenewalInterruptsNobody(HttpClient https, URI health, Path cert, Path key,
            Path renewedCert, Path renewedKey, SightlineServer server) throws Exception {
        Certificate renewed = certificate(renewedCert);
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread client = new Thread(() -> {
            while (running.get()) {
                try {
                    int status = https.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 200) {
                        failures.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
                requests.incrementAndGet();
            }
        }, "tls-e2e-client");
        client.start();
        try {
            Files.move(renewedKey, key, StandardCopyOption.REPLACE_EXISTING);
            Files.move(renewedCert, cert, StandardCopyOption.REPLACE_EXISTING);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!renewed.equals(servedCertificate(https, health))) {
                assertTrue(Instant.now().isBefore(deadline), "the renewed certificate was not served within 30 s; log: "
                        + server.home().resolve("data/log/karaf.log"));
                Thread.sleep(250);
            }
            Thread.sleep(2000);
        } finally {
            running.set(false);
            client.join(10_000);
        }
        assertTrue(requests.get() > 20, "the client loop ran: " + requests.get());
        assertEquals(0, failures.get(), failures.get() + " of " + requests.get() + " requests failed during renewal");
        assertTrue(Files.readString(server.home().resolve("data/log/karaf.log")).contains("renewed in place"));
    }

    /** The certificate a fresh connection is served (a new client, so no pooled connection hides a change). */
    private static Certificate servedCertificate(HttpClient trusted, URI uri) throws Exception {
        HttpClient fresh = HttpClient.newBuilder().sslContext(trusted.sslContext())
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<Void> response = fresh.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.discarding());
        return response.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    private static void selfSigned(Path dir, Path cert, Path key) throws Exception {
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString());
    }

    private static Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
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

    private static SSLContext trusting(Path... certificates) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        for (int i = 0; i < certificates.length; i++) {
            trust.setCertificateEntry("e2e-" + i, certificate(certificates[i]));
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
