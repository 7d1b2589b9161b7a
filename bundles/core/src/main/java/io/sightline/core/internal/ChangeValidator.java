package io.sightline.core.internal;

import io.sightline.api.control.Problem;
import io.sightline.api.stream.Stream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * Checks a stream's whole would-be configuration against the stream's metatype and its capture plugin's, and
 * returns one problem per offending property (none: it may be written). Runs before anything is written.
 */
final class ChangeValidator {
    /** Names used in URLs and file names; stricter than what hand-written files may use (no '.'). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PLAYOUT_DELAY = Pattern.compile("browser|\\d{1,4}(-\\d{1,4})?");
    private static final Set<String> NETWORK_SCHEMES = Set.of("rtsp", "rtsps", "rtmp", "rtmps", "srt", "http",
            "https", "udp", "tcp");

    private final Schemas schemas;

    ChangeValidator(Schemas schemas) {
        this.schemas = schemas;
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    List<Problem> check(String name, Map<String, String> properties) {
        List<Problem> problems = new ArrayList<>();
        Map<String, AttributeDefinition> streamKeys = byId(schemas.stream());
        String type = properties.getOrDefault(Stream.SOURCE_TYPE, "").trim();
        if (type.isEmpty()) {
            AttributeDefinition ad = streamKeys.get(Stream.SOURCE_TYPE);
            type = ad == null || ad.getDefaultValue() == null ? "" : ad.getDefaultValue()[0];
        }
        Set<String> installed = schemas.installedTypes();
        List<AttributeDefinition> sourceAds = null;
        if (!installed.contains(type)) {
            problems.add(new Problem(Stream.SOURCE_TYPE, "no capture plugin for source.type '" + type
                    + "' is installed; installed: " + String.join(", ", new TreeSet<>(installed))));
        } else {
            sourceAds = schemas.source(type);
        }
        Map<String, AttributeDefinition> sourceKeys = sourceAds == null ? Map.of() : byId(sourceAds);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (value.chars().anyMatch(c -> c < 0x20)) {
                problems.add(new Problem(key, "control characters (line breaks, tabs) are not allowed"));
                continue;
            }
            AttributeDefinition ad = streamKeys.containsKey(key) ? streamKeys.get(key) : sourceKeys.get(key);
            if (key.equals(Stream.NAME)) {
                if (!value.isEmpty() && !value.equals(name)) {
                    problems.add(new Problem(key, "the name comes from the stream's file (" + name
                            + "); rename by creating a new stream"));
                }
            } else if (ad != null) {
                String wrong = checkValue(ad, value);
                if (wrong != null) {
                    problems.add(new Problem(key, wrong));
                }
            } else if (!(key.startsWith("source.") && sourceAds == null && installed.contains(type))) {
                problems.add(new Problem(key, "unknown property" + (key.startsWith("source.") && sourceAds != null
                        ? " for source.type " + type + "; known: " + String.join(", ", sourceKeys.keySet())
                        : "")));
            }
        }
        checkSyntax(properties, problems);
        if (problems.isEmpty()) {
            // Whatever the core itself refuses in a hand-written file (e.g. host names in access.public.from).
            try {
                Map<String, Object> raw = new HashMap<>(properties);
                raw.put(Stream.NAME, name);
                StreamSettings.from(raw);
            } catch (IllegalArgumentException ex) {
                problems.add(new Problem("", ex.getMessage()));
            }
        }
        return problems;
    }

    /** Null when the value fits the attribute, else why not. Empty means "the default". */
    static String checkValue(AttributeDefinition ad, String value) {
        if (value.isEmpty()) {
            return null;
        }
        List<String> items = ad.getCardinality() == 0 ? List.of(value) : splitList(value);
        for (String item : items) {
            String wrong = checkOne(ad, item);
            if (wrong != null) {
                return wrong;
            }
        }
        return null;
    }

    private static String checkOne(AttributeDefinition ad, String value) {
        String type = typeName(ad.getType());
        try {
            switch (ad.getType()) {
                case AttributeDefinition.INTEGER -> Integer.parseInt(value);
                case AttributeDefinition.LONG -> Long.parseLong(value);
                case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> Double.parseDouble(value);
                case AttributeDefinition.BOOLEAN -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        return "must be true or false, got '" + value + "'";
                    }
                }
                default -> {
                }
            }
        } catch (NumberFormatException e) {
            return "must be " + (type.equals("integer") || type.equals("long") ? "an integer" : "a number")
                    + ", got '" + value + "'";
        }
        String[] options = ad.getOptionValues();
        if (options != null && options.length > 0 && !List.of(options).contains(value)) {
            return "must be one of " + String.join(", ", options) + ", got '" + value + "'";
        }
        // The metatype's own check: min/max (and options, types) as declared by the plugin.
        String invalid = ad.validate(value);
        if (invalid != null && !invalid.isEmpty()) {
            // Felix answers untranslated keys such as "%greater than maximum"; the description says the range.
            String why = invalid.startsWith("%") ? invalid.substring(1) : invalid;
            return why + ", got '" + value + "'" + (ad.getDescription() == null ? "" : " (" + ad.getDescription() + ")");
        }
        return null;
    }

    /** URL and list syntax the metatype cannot express. */
    private static void checkSyntax(Map<String, String> properties, List<Problem> problems) {
        String url = properties.getOrDefault("source.url", "").trim();
        if (!url.isEmpty()) {
            String wrong = checkUrl(url);
            if (wrong != null) {
                problems.add(new Problem("source.url", wrong));
            }
        }
        String delay = properties.getOrDefault("playout.delay", "").trim();
        if (!delay.isEmpty() && !PLAYOUT_DELAY.matcher(delay).matches()) {
            problems.add(new Problem("playout.delay", "must be a number of ms (30), a range (0-100) or 'browser', got '"
                    + delay + "'"));
        }
    }

    /** Refuses what can never be opened: no scheme and no absolute path, a network URL without a host, spaces. */
    static String checkUrl(String url) {
        if (url.startsWith("/")) {
            return url.contains("\u0000") ? "not a valid path" : null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "not a valid URL: " + e.getReason() + " at position " + e.getIndex();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.isEmpty()) {
            return "needs a scheme (rtsp://, rtmp://, srt://, http://, file:) or an absolute path";
        }
        if (NETWORK_SCHEMES.contains(scheme)) {
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return "a " + scheme + " URL needs a host, e.g. " + scheme + "://192.0.2.10:554/path";
            }
            if (uri.getPort() > 65535) {
                return "port out of range";
            }
        } else if (!scheme.equals("file")) {
            return "unsupported scheme '" + scheme + "'; use rtsp, rtmp, srt, http(s), udp, tcp, file or a path";
        }
        return null;
    }

    static List<String> splitList(String value) {
        List<String> items = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
        return items;
    }

    static Map<String, AttributeDefinition> byId(List<AttributeDefinition> ads) {
        Map<String, AttributeDefinition> m = new LinkedHashMap<>();
        for (AttributeDefinition ad : ads) {
            m.put(ad.getID(), ad);
        }
        return m;
    }

    static String typeName(int type) {
        return switch (type) {
            case AttributeDefinition.INTEGER, AttributeDefinition.SHORT, AttributeDefinition.BYTE -> "integer";
            case AttributeDefinition.LONG -> "long";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "double";
            case AttributeDefinition.BOOLEAN -> "boolean";
            case AttributeDefinition.PASSWORD -> "password";
            default -> "string";
        };
    }
}
