package io.sightline.shell.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds share links: parses a time-to-live such as {@code 10m} and puts the player URL together. */
final class ShareLinks {
    /** The port the server listens on when {@code SIGHTLINE_HTTP_PORT} is not set. */
    static final String DEFAULT_PORT = "8080";

    private ShareLinks() {
    }

    /**
     * Parses a duration written as a positive number and a unit: {@code s}, {@code m}, {@code h} or {@code d}
     * ({@code 30s}, {@code 10m}, {@code 2h}, {@code 7d}).
     *
     * @throws IllegalArgumentException for anything else, with a message an operator can act on
     */
    static Duration parseTtl(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.length() < 2 || !t.substring(0, t.length() - 1).chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("ttl '" + text + "' is not like 30s, 10m, 2h or 7d");
        }
        long amount;
        try {
            amount = Long.parseLong(t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ttl '" + text + "' is too large", e);
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("ttl '" + text + "' has no unit s, m, h or d");
        };
    }

    /**
     * The ttl from arguments that followed the stream name ({@code --ttl 2h} or {@code -t 2h}), else {@code fallback}.
     *
     * @throws IllegalArgumentException for any other trailing argument
     */
    static String trailingTtl(List<String> trailing, String fallback) {
        if (trailing == null || trailing.isEmpty()) {
            return fallback;
        }
        if (trailing.size() == 2 && ("--ttl".equals(trailing.get(0)) || "-t".equals(trailing.get(0)))) {
            return trailing.get(1);
        }
        if (trailing.size() == 1 && trailing.get(0).startsWith("--ttl=")) {
            return trailing.get(0).substring("--ttl=".length());
        }
        throw new IllegalArgumentException("unexpected arguments " + trailing
                + "; usage: stream:share <stream> [--ttl 10m]");
    }

    /**
     * The base URL viewers reach the server at: the configured {@code public.url}, else {@code http://localhost} on
     * the port from {@code SIGHTLINE_HTTP_PORT}, else 8080. Never ends with a slash.
     */
    static String baseUrl(String configured, Map<String, String> environment) {
        String base = configured == null || configured.isBlank()
                ? "http://localhost:" + environment.getOrDefault("SIGHTLINE_HTTP_PORT", DEFAULT_PORT).strip()
                : configured.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    /** {@code <base>/play/<stream>?token=<token>}, with the stream name percent-encoded as one path segment. */
    static String playerUrl(String base, String stream, String token) {
        return base + "/play/" + encodeSegment(stream) + "?token=" + encodeSegment(token);
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters (so {@code +} and spaces survive too). */
    static String encodeSegment(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
