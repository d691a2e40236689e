package io.infergate.gateway.metrics;

import java.util.List;

/**
 * A writer of the Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE} lines,
 * samples with escaped label values, histograms as {@code _bucket}/{@code _sum}/{@code _count}.
 *
 * <p>Not thread-safe: one instance per scrape. Label names are trusted (they are constants in this package);
 * label values are escaped ({@code \\}, {@code "}, newline), so any model name a client sends is safe.
 */
final class Exposition {

    /** The content type of this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out;

    Exposition(StringBuilder out) {
        this.out = out;
    }

    /** Starts a family: its {@code HELP} and {@code TYPE} lines. */
    Exposition family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    Exposition sample(String name, List<String> labelNames, List<String> labelValues, double value) {
        out.append(name);
        labels(labelNames, labelValues, null, null);
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    Exposition sample(String name, List<String> labelNames, List<String> labelValues, long value) {
        out.append(name);
        labels(labelNames, labelValues, null, null);
        out.append(' ').append(value).append('\n');
        return this;
    }

    /** The {@code _bucket}, {@code _sum} and {@code _count} samples of one labelled histogram. */
    Exposition histogram(String name, List<String> labelNames, List<String> labelValues, Histogram h) {
        Histogram.Snapshot s = h.snapshot();
        long[] cumulative = s.cumulative();
        for (int i = 0; i < cumulative.length; i++) {
            out.append(name).append("_bucket");
            labels(labelNames, labelValues, "le", h.buckets().label(i));
            out.append(' ').append(cumulative[i]).append('\n');
        }
        out.append(name).append("_sum");
        labels(labelNames, labelValues, null, null);
        out.append(' ').append(number(s.sum())).append('\n');
        out.append(name).append("_count");
        labels(labelNames, labelValues, null, null);
        out.append(' ').append(s.count()).append('\n');
        return this;
    }

    private void labels(List<String> names, List<String> values, String extraName, String extraValue) {
        if (names.isEmpty() && extraName == null) {
            return;
        }
        out.append('{');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(names.get(i)).append("=\"");
            escape(values.get(i), true);
            out.append('"');
        }
        if (extraName != null) {
            if (!names.isEmpty()) {
                out.append(',');
            }
            out.append(extraName).append("=\"").append(extraValue).append('"');
        }
        out.append('}');
    }

    private void escape(String s, boolean quote) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quote ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    /** Go's spelling of special values; integral values without a fraction. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
