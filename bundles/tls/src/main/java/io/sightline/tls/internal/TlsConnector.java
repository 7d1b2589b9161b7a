package io.sightline.tls.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.eclipse.jetty.server.HttpConfiguration;
import org.osgi.service.http.whiteboard.Preprocessor;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens Pax Web's HTTPS connector from PEM files. Pax Web (Jetty) wants a keystore, so this converts the PEM pair to
 * a PKCS#12 keystore in the data directory and points the {@code org.ops4j.pax.web} configuration at it; Pax Web then
 * restarts its server with the secure connector. Only written when something changed, because every change restarts
 * all web applications. A renewed certificate on an unchanged port is loaded into the running connector instead
 * ({@link KeystoreReloader}), so a renewal interrupts nobody. Configuration PID {@code io.sightline.tls}, required.
 */
@Component(configurationPid = TlsConnector.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TlsConfiguration.class)
public final class TlsConnector {
    /** This component's configuration PID. */
    static final String PID = "io.sightline.tls";
    /** Pax Web's configuration PID. */
    static final String PAX_WEB_PID = "org.ops4j.pax.web";
    /** Extra key in Pax Web's configuration so a renewed certificate changes it, and Pax Web reloads the keystore. */
    static final String FINGERPRINT_KEY = "sightline.tls.certificate.sha256";

    private static final Logger LOG = LoggerFactory.getLogger(TlsConnector.class);

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final Path dataDir;
    private final ScheduledExecutorService renewalCheck;
    private final KeystoreReloader reloader = new KeystoreReloader();
    private final ServiceRegistration<HttpConfiguration.Customizer> reloaderRegistration;
    private ServiceRegistration<Preprocessor> redirect;
    private TlsConfiguration config;
    private FileStamp loaded;
    /** Touched by the renewal-check thread only. */
    private long nextCheckNanos = System.nanoTime();

    /** When the PEM files were last changed, to notice a renewed certificate without reading it every time. */
    private record FileStamp(long certModified, long certSize, long keyModified, long keySize) {
        static FileStamp of(TlsConfiguration config) {
            File cert = new File(Objects.toString(config.cert_file(), ""));
            File key = new File(Objects.toString(config.key_file(), ""));
            return new FileStamp(cert.lastModified(), cert.length(), key.lastModified(), key.length());
        }
    }

    @Activate
    public TlsConnector(BundleContext context, @Reference ConfigurationAdmin configAdmin, TlsConfiguration config)
            throws IOException, GeneralSecurityException {
        this.context = context;
        this.configAdmin = configAdmin;
        String karafData = context.getProperty("karaf.data");
        this.dataDir = karafData != null ? Path.of(karafData, "sightline", "tls")
                : context.getDataFile("tls").toPath();
        this.reloaderRegistration = context.registerService(HttpConfiguration.Customizer.class, reloader, null);
        apply(config, false);
        this.renewalCheck = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-tls-renewal-check");
            t.setDaemon(true);
            return t;
        });
        renewalCheck.scheduleWithFixedDelay(this::reloadIfChanged, 1, 1, TimeUnit.SECONDS);
    }

    @Modified
    void modified(TlsConfiguration config) throws IOException, GeneralSecurityException {
        apply(config, false);
    }

    @Deactivate
    void deactivate() {
        renewalCheck.shutdownNow();
        reloaderRegistration.unregister();
        unregisterRedirect();
        if (context.getBundle(0).getState() == Bundle.STOPPING) {
            return; // Shutting down: HTTPS stays configured for the next start.
        }
        try {
            Configuration paxWeb = configAdmin.getConfiguration(PAX_WEB_PID, null);
            Dictionary<String, Object> properties = paxWeb.getProperties();
            if (properties != null && properties.get(FINGERPRINT_KEY) != null) {
                properties.put(PaxWebSettings.SECURE_ENABLED, "false");
                properties.remove(FINGERPRINT_KEY);
                paxWeb.update(properties);
                LOG.info("HTTPS turned off: the TLS configuration or bundle was removed");
            }
        } catch (IOException e) {
            LOG.warn("Could not turn HTTPS off in {}: {}", PAX_WEB_PID, e.getMessage());
        }
    }

    /** Runs every second, but looks at the files only every {@code reload.check.seconds}. */
    private void reloadIfChanged() {
        TlsConfiguration current;
        FileStamp before;
        synchronized (this) {
            current = config;
            before = loaded;
        }
        int period = current.reload_check_seconds();
        long now = System.nanoTime();
        if (period <= 0 || now - nextCheckNanos < 0) {
            return;
        }
        nextCheckNanos = now + TimeUnit.SECONDS.toNanos(period);
        if (!FileStamp.of(current).equals(before)) {
            LOG.info("Certificate or key file changed: reloading");
            try {
                apply(current, true);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                // apply() logged why; HTTPS goes on with the previous keystore. Do not retry until the files change.
                synchronized (this) {
                    loaded = FileStamp.of(current);
                }
            }
        }
    }

    /**
     * @param renewal whether only the files changed (the renewal check): then the settings, the redirect and, when
     *     the running connector can reload in place, Pax Web's configuration stay as they are
     */
    private synchronized void apply(TlsConfiguration config, boolean renewal)
            throws IOException, GeneralSecurityException {
        this.config = config;
        this.loaded = FileStamp.of(config);
        PemKeyMaterial material;
        try {
            material = PemKeyMaterial.read(Path.of(Objects.requireNonNull(config.cert_file(), "cert.file")),
                    Path.of(Objects.requireNonNull(config.key_file(), "key.file")));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.error("HTTPS not enabled: {}", e.getMessage());
            throw e;
        }
        char[] password = OwnerOnlyFiles.loadOrCreatePassword(dataDir.resolve("keystore.password"));
        Path keystore = dataDir.resolve("keystore.p12");
        material.writePkcs12(keystore, password);
        Map<String, String> wanted = PaxWebSettings.https(config.https_port(), keystore, new String(password),
                PemKeyMaterial.ALIAS);
        String fingerprint = material.fingerprint();
        Configuration paxWeb = configAdmin.getConfiguration(PAX_WEB_PID, null);
        Dictionary<String, Object> properties = paxWeb.getProperties() == null ? new Hashtable<>()
                : paxWeb.getProperties();
        if (renewal && PaxWebSettings.matches(properties, wanted)
                && reloadInPlace(material, fingerprint, keystore, password)) {
            return;
        }
        if (PaxWebSettings.merge(properties, wanted, FINGERPRINT_KEY, fingerprint)) {
            paxWeb.update(properties);
            LOG.info("HTTPS enabled on port {} with certificate {} (SHA-256 {}); Pax Web restarts its connectors",
                    config.https_port(), material.chain().get(0).getSubjectX500Principal().getName(), fingerprint);
        } else {
            LOG.info("HTTPS already enabled on port {} with certificate SHA-256 {}", config.https_port(), fingerprint);
        }
        unregisterRedirect();
        if (config.redirect_http()) {
            redirect = context.registerService(Preprocessor.class, new HttpsRedirect(config.https_port()),
                    new Hashtable<>(Map.of("osgi.http.whiteboard.preprocessor.init.name", "sightline-https-redirect")));
            LOG.info("Plain HTTP requests (except /health) are redirected to HTTPS port {}", config.https_port());
        }
    }

    /**
     * The keystore file already holds the new pair; Jetty re-reads it. Pax Web's configuration keeps the previous
     * fingerprint on purpose: changing it would restart the server this avoids restarting.
     */
    private boolean reloadInPlace(PemKeyMaterial material, String fingerprint, Path keystore, char[] password) {
        try {
            int connectors = reloader.reload(keystore, password);
            if (connectors > 0) {
                LOG.info("Certificate renewed in place on {} HTTPS connector(s): {} (SHA-256 {}); open connections "
                        + "go on", connectors, material.chain().get(0).getSubjectX500Principal().getName(), fingerprint);
                return true;
            }
            LOG.info("No running HTTPS connector seen yet: Pax Web restarts its connectors to load the certificate");
        } catch (Exception e) {
            LOG.warn("Reloading the certificate in place failed ({}): Pax Web restarts its connectors instead",
                    e.getMessage());
        }
        return false;
    }

    private void unregisterRedirect() {
        if (redirect != null) {
            redirect.unregister();
            redirect = null;
        }
    }
}
