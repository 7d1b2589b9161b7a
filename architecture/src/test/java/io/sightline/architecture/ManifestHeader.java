package io.sightline.architecture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The package names of an {@code Import-Package} or {@code Export-Package} header (OSGi Core 3.2.4): clauses are
 * separated by commas, a clause is {@code path(;path)*(;attribute|directive)*}, and quoted values may hold commas
 * and semicolons ({@code version="[1.0,2)"}), so a plain split would cut a version range in two.
 */
final class ManifestHeader {
    private ManifestHeader() {
    }

    static Set<String> packages(String header) {
        Set<String> names = new LinkedHashSet<>();
        if (header == null) {
            return names;
        }
        for (String clause : split(header, ',')) {
            for (String part : split(clause, ';')) {
                String p = part.strip();
                if (p.contains("=")) {
                    break; // attributes and directives follow the paths
                }
                if (!p.isEmpty()) {
                    names.add(p);
                }
            }
        }
        return names;
    }

    /** Each package of an {@code Export-Package} header with its {@code version} attribute (0.0.0 when absent). */
    static Map<String, String> versions(String header) {
        Map<String, String> versions = new LinkedHashMap<>();
        if (header == null) {
            return versions;
        }
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            String version = "0.0.0";
            for (String part : split(clause, ';')) {
                String p = part.strip();
                if (p.startsWith("version=")) {
                    version = p.substring("version=".length()).replace("\"", "");
                } else if (!p.contains("=") && !p.isEmpty()) {
                    names.add(p);
                }
            }
            for (String name : names) {
                versions.put(name, version);
            }
        }
        return versions;
    }

    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
