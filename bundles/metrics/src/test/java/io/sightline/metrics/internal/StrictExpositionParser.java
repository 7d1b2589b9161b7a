package io.sightline.metrics.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An independent, strict reader of the text format 0.0.4, written from the format description rather than from
 * {@link TextExposition}, to check pages the way Prometheus reads them: HELP and TYPE at most once per family and
 * before its samples, samples of a family contiguous, only the three label escapes, no duplicate series, valid
 * floats, counters named {@code *_total} and never negative.
 */
final class StrictExpositionParser {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT =
            Pattern.compile("[+-]?((\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|Inf)|NaN");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> helps = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static StrictExpositionParser parse(String page) {
        StrictExpositionParser p = new StrictExpositionParser();
        p.read(page);
        return p;
    }

    /** The value of one series; fails if it is absent. */
    double value(String name, String... labels) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        for (Sample s : samples) {
            if (s.name().equals(name) && new TreeMap<>(s.labels()).equals(want)) {
                return s.value();
            }
        }
        throw new AssertionError("no series " + name + want);
    }

    private void read(String page) {
        if (!page.isEmpty() && !page.endsWith("\n")) {
            fail("the page must end with a line feed");
        }
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = null;
        for (String line : page.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String family;
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    continue; // a plain comment
                }
                family = parts[2];
                name(family, line);
                enter(family, current, closed, line);
                current = family;
                if (parts[1].equals("HELP")) {
                    if (helps.put(family, parts.length == 4 ? unescapeHelp(parts[3], line) : "") != null) {
                        fail("second HELP: " + line);
                    }
                } else {
                    if (parts.length != 4 || !TYPES.contains(parts[3])) {
                        fail("bad TYPE: " + line);
                    }
                    if (samples.stream().anyMatch(s -> s.name().equals(family))) {
                        fail("TYPE after samples: " + line);
                    }
                    if (types.put(family, parts[3]) != null) {
                        fail("second TYPE: " + line);
                    }
                }
                continue;
            }
            Sample sample = sample(line);
            family = sample.name();
            enter(family, current, closed, line);
            current = family;
            if (!series.add(family + new TreeMap<>(sample.labels()))) {
                fail("duplicate series: " + line);
            }
            if ("counter".equals(types.get(family))) {
                if (!family.endsWith("_total")) {
                    fail("counter without _total: " + line);
                }
                if (sample.value() < 0 || Double.isNaN(sample.value())) {
                    fail("counter below zero: " + line);
                }
            }
            samples.add(sample);
        }
    }

    private static void enter(String family, String current, Set<String> closed, String line) {
        if (!family.equals(current)) {
            if (closed.contains(family)) {
                fail("family " + family + " is not contiguous: " + line);
            }
            if (current != null) {
                closed.add(current);
            }
        }
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        name(name, line);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    fail("label without value: " + line);
                }
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches()) {
                    fail("bad label name '" + label + "': " + line);
                }
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    fail("label value not quoted: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (;; j++) {
                    if (j >= line.length()) {
                        fail("unterminated label value: " + line);
                    }
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        switch (n) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> fail("bad escape \\" + n + ": " + line);
                        }
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    fail("label twice: " + line);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                } else if (line.charAt(i) != '}') {
                    fail("expected , or }: " + line);
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            fail("no value: " + line);
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2 || !FLOAT.matcher(rest[0]).matches()
                || (rest.length == 2 && !rest[1].matches("-?\\d+"))) {
            fail("bad value or timestamp: " + line);
        }
        String v = rest[0].replace("Inf", "Infinity");
        return new Sample(name, labels, Double.parseDouble(v));
    }

    private static String unescapeHelp(String text, String line) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                char n = i + 1 < text.length() ? text.charAt(++i) : ' ';
                switch (n) {
                    case '\\' -> b.append('\\');
                    case 'n' -> b.append('\n');
                    default -> fail("bad escape in HELP: " + line);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static void name(String name, String line) {
        if (!NAME.matcher(name).matches()) {
            fail("bad metric name '" + name + "': " + line);
        }
    }

    private static void fail(String message) {
        throw new AssertionError(message);
    }
}
