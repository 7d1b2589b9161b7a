package io.sightline.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaxWebSettingsTest {
    @Test
    void mergeKeepsOtherKeysAndReportsChangesOnlyOnce() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("org.osgi.service.http.port", "9150");
        props.put(PaxWebSettings.SECURE_ENABLED, false);
        Map<String, String> wanted = PaxWebSettings.https(9152, Path.of("/data/keystore.p12"), "pw", "sightline");
        assertTrue(PaxWebSettings.merge(props, wanted, "fp", "aa"));
        assertEquals("true", props.get(PaxWebSettings.SECURE_ENABLED));
        assertEquals("9152", props.get(PaxWebSettings.SECURE_PORT));
        assertEquals("PKCS12", props.get(PaxWebSettings.KEYSTORE_TYPE));
        assertEquals("9150", props.get("org.osgi.service.http.port"));
        assertFalse(PaxWebSettings.merge(props, wanted, "fp", "aa"), "same values: no Pax Web restart");
        assertTrue(PaxWebSettings.merge(props, wanted, "fp", "bb"), "renewed certificate: reload");
    }

    @Test
    void typedValuesCompareAsStrings() {
        Dictionary<String, Object> props = new Hashtable<>();
        Map<String, String> wanted = PaxWebSettings.https(8443, Path.of("/k.p12"), "pw", "sightline");
        PaxWebSettings.merge(props, wanted, "fp", "aa");
        props.put(PaxWebSettings.SECURE_ENABLED, Boolean.TRUE);
        props.put(PaxWebSettings.SECURE_PORT, 8443);
        assertFalse(PaxWebSettings.merge(props, wanted, "fp", "aa"));
    }
}
