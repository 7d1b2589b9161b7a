package io.sightline.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Jetty HTTPS connector, as Pax Web builds it, serves a renewed keystore after a reload, still running. */
class KeystoreReloaderTest {
    private static final char[] PASSWORD = "keystore-password".toCharArray();

    @TempDir
    Path dir;
    private Path keystore;
    private Server server;
    private ServerConnector connector;
    private final KeystoreReloader reloader = new KeystoreReloader();

    @BeforeEach
    void startHttps() throws Exception {
        keystore = dir.resolve("keystore.p12");
        writeKeystore();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keystore.toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(new String(PASSWORD));
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(reloader);
        server = new Server();
        connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response) {
                response.setStatus(204);
                base.setHandled(true);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void nothingToReloadBeforeARequestShowedTheServer() throws Exception {
        assertEquals(0, reloader.reload(keystore, PASSWORD));
    }

    @Test
    void aRenewedKeystoreIsServedByTheRunningConnector() throws Exception {
        Certificate first = servedCertificate();
        Certificate written = writeKeystore();
        assertEquals(first, servedCertificate(), "Jetty holds the keystore it loaded until told to reload");

        assertEquals(1, reloader.reload(keystore, PASSWORD));

        Certificate renewed = servedCertificate();
        assertNotEquals(first, renewed);
        assertEquals(written, renewed);
        assertTrue(server.isStarted());
        assertSame(connector, server.getConnectors()[0], "the same connector, not a restarted one");
    }

    @Test
    void aBrokenKeystoreIsRefusedAndThePreviousOneStaysInService() throws Exception {
        Certificate first = servedCertificate();
        Files.writeString(keystore, "not a keystore");
        assertThrows(IOException.class, () -> reloader.reload(keystore, PASSWORD));
        assertEquals(first, servedCertificate(), "Jetty was not asked to load it");
    }

    /** A new key pair and self-signed certificate, written as the TLS bundle writes it (atomic replace). */
    private Certificate writeKeystore() throws Exception {
        KeyPair pair = PemKeyMaterialTest.keyPair("EC");
        X509Certificate certificate = PemKeyMaterialTest.selfSigned(pair);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(PemKeyMaterial.ALIAS, pair.getPrivate(), PASSWORD, new Certificate[] {certificate});
        Path temp = dir.resolve("keystore.tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            store.store(out, PASSWORD);
        }
        Files.move(temp, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return certificate;
    }

    /** One HTTPS request on a fresh connection; the certificate the server presented. */
    private Certificate servedCertificate() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AcceptAnyCertificate()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                connector.getLocalPort())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 204"), response);
            return socket.getSession().getPeerCertificates()[0];
        }
    }

    /** The test checks which certificate is served, not whether it is trusted. */
    private static final class AcceptAnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
