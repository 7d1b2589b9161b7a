package io.sightline.admin.api.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses lifetimes written the way operators type them: {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 600}. */
final class Ttl {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhd]?)");

    private Ttl() {
    }

    /**
     * @throws IllegalArgumentException when the text is not a positive lifetime in one of the forms above
     */
    static Duration parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("ttl must look like 90s, 10m, 2h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        return d;
    }
}
