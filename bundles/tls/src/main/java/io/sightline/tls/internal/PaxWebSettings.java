package io.sightline.tls.internal;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The keys of Pax Web's {@code org.ops4j.pax.web} configuration that open its HTTPS connector. */
final class PaxWebSettings {
    static final String SECURE_ENABLED = "org.osgi.service.http.secure.enabled";
    static final String SECURE_PORT = "org.osgi.service.http.port.secure";
    static final String KEYSTORE = "org.ops4j.pax.web.ssl.keystore";
    static final String KEYSTORE_TYPE = "org.ops4j.pax.web.ssl.keystore.type";
    static final String KEYSTORE_PASSWORD = "org.ops4j.pax.web.ssl.keystore.password";
    static final String KEY_PASSWORD = "org.ops4j.pax.web.ssl.key.password";
    static final String KEY_ALIAS = "org.ops4j.pax.web.ssl.key.alias";

    private PaxWebSettings() {
    }

    /** The values that make Pax Web serve HTTPS from a PKCS#12 keystore. */
    static Map<String, String> https(int port, Path keystore, String password, String alias) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(SECURE_ENABLED, "true");
        values.put(SECURE_PORT, Integer.toString(port));
        values.put(KEYSTORE, keystore.toAbsolutePath().toString());
        values.put(KEYSTORE_TYPE, "PKCS12");
        values.put(KEYSTORE_PASSWORD, password);
        values.put(KEY_PASSWORD, password);
        values.put(KEY_ALIAS, alias);
        return values;
    }

    /** Whether Pax Web's properties already hold every wanted value (compared as strings, as in {@link #merge}). */
    static boolean matches(Dictionary<String, Object> properties, Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            Object current = properties.get(e.getKey());
            if (!Objects.equals(current == null ? null : current.toString(), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Puts the wanted values and the certificate fingerprint into Pax Web's properties, leaving every other key as it
     * is. Values are compared as strings, because Karaf may have stored them typed.
     *
     * @return whether anything changed (only then must the configuration be updated)
     */
    static boolean merge(Dictionary<String, Object> properties, Map<String, String> wanted, String fingerprintKey,
            String fingerprint) {
        boolean changed = false;
        Map<String, String> all = new LinkedHashMap<>(wanted);
        all.put(fingerprintKey, fingerprint);
        for (Map.Entry<String, String> e : all.entrySet()) {
            Object current = properties.get(e.getKey());
            if (!Objects.equals(current == null ? null : current.toString(), e.getValue())) {
                properties.put(e.getKey(), e.getValue());
                changed = true;
            }
        }
        return changed;
    }
}
