package io.sightline.api.control;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How secrets in stream properties are hidden wherever they are shown (log, audit trail, shell, API, console): the
 * values of keys that name a secret, and the password part of {@code scheme://user:password@host} URLs. One rule for
 * every surface.
 */
public final class Masking {
    /** What a hidden value shows as. */
    public static final String MASK = "****";
    private static final Pattern SECRET_KEY = Pattern.compile(".*(password|secret|token|passphrase|key)$");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/:@\\s]*:)[^/@\\s]*@");

    private Masking() {
    }

    /** Whether the key names a secret (e.g. {@code source.password}). */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** The value as it may be shown. */
    public static String mask(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (isSecretKey(key)) {
            return MASK;
        }
        return URL_PASSWORD.matcher(value).replaceAll("$1" + MASK + "@");
    }

    /** A sorted copy with every value as it may be shown. */
    public static Map<String, String> mask(Map<String, String> properties) {
        Map<String, String> masked = new TreeMap<>();
        properties.forEach((k, v) -> masked.put(k, mask(k, v)));
        return masked;
    }
}
