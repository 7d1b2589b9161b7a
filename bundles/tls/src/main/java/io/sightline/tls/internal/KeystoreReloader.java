package io.sightline.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;

/**
 * Reloads the keystore of the running HTTPS connector in place (Jetty's {@code SslContextFactory.reload}), so a
 * renewed certificate is served without Pax Web restarting its server: open connections go on, new handshakes get
 * the new certificate, no servlet is unregistered. Pax Web gives every {@link HttpConfiguration.Customizer} service
 * to its connectors; that is the one supported way to reach the Jetty server it runs, so this customizer changes no
 * request and only remembers the server its requests came through.
 */
final class KeystoreReloader implements HttpConfiguration.Customizer {
    private volatile Server server;

    @Override
    public void customize(Connector connector, HttpConfiguration channelConfig, Request request) {
        Server current = connector.getServer();
        if (current != server) {
            server = current;
        }
    }

    /**
     * Reloads every TLS connector of the server that served the last request, after checking that the keystore
     * opens: Jetty unloads its context before it reads the new file, so a keystore it cannot read would leave the
     * connector refusing every handshake.
     *
     * @param keystore the PKCS#12 file the connectors were configured with, already holding the new pair
     * @param password its password
     * @return how many connectors reloaded; 0 when no running server has been seen (no request since Pax Web
     *     started), in which case the caller must reconfigure Pax Web instead
     * @throws IOException or GeneralSecurityException when the keystore does not open or holds no key (nothing
     *     reloaded, the previous certificate stays in service)
     */
    int reload(Path keystore, char[] password) throws Exception {
        verify(keystore, password);
        Server seen = server;
        if (seen == null || !seen.isStarted()) {
            return 0;
        }
        int reloaded = 0;
        for (Connector connector : seen.getConnectors()) {
            SslConnectionFactory tls = connector.getConnectionFactory(SslConnectionFactory.class);
            if (tls != null) {
                tls.getSslContextFactory().reload(factory -> { });
                reloaded++;
            }
        }
        return reloaded;
    }

    private static void verify(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        if (store.getKey(PemKeyMaterial.ALIAS, password) == null) {
            throw new GeneralSecurityException("no key '" + PemKeyMaterial.ALIAS + "' in " + keystore);
        }
    }
}
