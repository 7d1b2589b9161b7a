package io.sightline.core.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Masks secrets in property maps before they reach a log line, the audit trail or a screen. */
final class Secrets {
    static final String MASK = "****";
    private static final Pattern SECRET_KEY = Pattern.compile(".*(password|secret|token|passphrase|key)$");
    /** The password part of {@code scheme://user:password@host}. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/:@\\s]*:)[^/@\\s]*@");

    private Secrets() {
    }

    static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    static String mask(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (isSecretKey(key)) {
            return MASK;
        }
        return URL_PASSWORD.matcher(value).replaceAll("$1" + MASK + "@");
    }

    static Map<String, String> mask(Map<String, String> properties) {
        Map<String, String> masked = new TreeMap<>();
        properties.forEach((k, v) -> masked.put(k, mask(k, v)));
        return masked;
    }
}
