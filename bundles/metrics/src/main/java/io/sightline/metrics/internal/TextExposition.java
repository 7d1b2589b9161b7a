package io.sightline.metrics.internal;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per metric family one {@code # HELP} and one
 * {@code # TYPE} line followed by all of its samples, so samples of a family are always contiguous.
 *
 * <p>Label values are escaped as the format requires (backslash, double quote, line feed); help texts escape backslash
 * and line feed. Names are checked, and a counter family must end in {@code _total}: a wrong name is a programming
 * error, so it throws rather than writing a page Prometheus would reject.
 */
final class TextExposition {
    /** Content type of this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The metric types this server uses. */
    enum Type {
        COUNTER, GAUGE;

        String text() {
            return this == COUNTER ? "counter" : "gauge";
        }
    }

    private final StringBuilder out;
    private final Set<String> families = new HashSet<>();
    private String family;

    TextExposition(int sizeHint) {
        out = new StringBuilder(Math.max(256, sizeHint));
    }

    /** Starts a family; every following sample belongs to it until the next call. */
    TextExposition family(String name, Type type, String help) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        if (!families.add(name)) {
            throw new IllegalStateException("family written twice: " + name);
        }
        family = name;
        out.append("# HELP ").append(name).append(' ');
        escapeHelp(help);
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type.text()).append('\n');
        return this;
    }

    /** A sample of the current family; {@code labels} are name, value pairs. */
    TextExposition sample(long value, String... labels) {
        head(labels);
        out.append(value).append('\n');
        return this;
    }

    /** A sample of the current family; {@code labels} are name, value pairs. */
    TextExposition sample(double value, String... labels) {
        head(labels);
        appendDouble(value);
        out.append('\n');
        return this;
    }

    /** The page written so far. */
    String text() {
        return out.toString();
    }

    private void head(String[] labels) {
        if (family == null) {
            throw new IllegalStateException("sample before any family");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        out.append(family);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL_NAME.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                    throw new IllegalArgumentException("not a label name: " + labels[i]);
                }
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escapeLabelValue(labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
    }

    private void escapeLabelValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private void escapeHelp(String help) {
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private void appendDouble(double value) {
        if (Double.isNaN(value)) {
            out.append("NaN");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "+Inf" : "-Inf");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value); // whole numbers read better without ".0"
        } else if (Math.abs(value) >= 1e-3 && Math.abs(value) < 1e15) {
            // Plain digits of the shortest round-trip form: timestamps read as 1795621713.592, not 1.795621713592E9.
            out.append(BigDecimal.valueOf(value).toPlainString());
        } else {
            out.append(value); // "1.0E-4" is a valid Go float too
        }
    }
}
