package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.Histogram;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes one scrape in the Prometheus text format 0.0.4, one family at a time: {@code # HELP} and
 * {@code # TYPE} once per family, then its samples, laid out the way the server's library ({@link TextDialect})
 * does it.
 *
 * <p>Label values are escaped ({@code \\}, {@code \"}, {@code \n}), HELP text too ({@code \\}, {@code \n}).
 * Counters are given by their base name; the dialect adds {@code _total} where the library would.
 * Histograms get cumulative {@code _bucket} lines ending in {@code le="+Inf"}, then {@code _sum} and
 * {@code _count}.
 *
 * <p>Threading: not thread-safe; one writer per scrape, on the thread that renders it. Bad input is a
 * programming error: an invalid metric name or a family written twice throws.
 */
final class PrometheusTextWriter {

    /** One series of a gauge or counter. */
    record Sample(Labels labels, double value) {}

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final TextDialect dialect;
    private final boolean emitCreated;
    private final String createdValue;
    private final StringBuilder out;
    private final Set<String> families = new HashSet<>();
    private final boolean histograms;

    PrometheusTextWriter(TextDialect dialect, MetricsOptions options) {
        this(dialect, options, true);
    }

    /** @param histograms false to leave every histogram family out (see {@link MetricsRenderer#renderGauges}) */
    PrometheusTextWriter(TextDialect dialect, MetricsOptions options, boolean histograms) {
        this.histograms = histograms;
        this.out = new StringBuilder(histograms ? 32 * 1024 : 4 * 1024);
        this.dialect = dialect;
        this.emitCreated = options.emitCreated() && dialect.hasCreated();
        this.createdValue = dialect.number(options.createdUnixSeconds());
    }

    /** A gauge with one series; {@code help} null writes no HELP line (TGI's undescribed metrics). */
    void gauge(String name, String help, Labels labels, double value) {
        gauge(name, help, List.of(new Sample(labels, value)));
    }

    void gauge(String name, String help, List<Sample> samples) {
        header(name, help, "gauge");
        for (Sample s : samples) {
            sampleLine(name, "", s.labels(), s.value());
        }
        endFamily();
    }

    /** A counter with one series. */
    void counter(String name, String help, Labels labels, double value) {
        counter(name, help, List.of(new Sample(labels, value)));
    }

    void counter(String name, String help, List<Sample> samples) {
        String exposed = name + dialect.counterSuffix();
        header(exposed, help, "counter");
        for (Sample s : samples) {
            sampleLine(exposed, "", s.labels(), s.value());
        }
        endFamily();
        if (emitCreated) {
            created(name, help, samples.stream().map(Sample::labels).toList());
        }
    }

    /** A histogram with one series. */
    void histogram(String name, String help, Labels labels, Histogram.Snapshot snapshot) {
        if (!histograms) {
            return;
        }
        header(name, help, "histogram");
        switch (dialect.histogramLayout()) {
            case BUCKETS_COUNT_SUM -> {
                buckets(name, labels, snapshot);
                sampleLine(name, "_count", labels, snapshot.count());
                sampleLine(name, "_sum", labels, snapshot.sum());
            }
            case SUM_BUCKETS_COUNT -> {
                sampleLine(name, "_sum", labels, snapshot.sum());
                buckets(name, labels, snapshot);
                sampleLine(name, "_count", labels, snapshot.count());
            }
            case BUCKETS_SUM_COUNT -> {
                buckets(name, labels, snapshot);
                sampleLine(name, "_sum", labels, snapshot.sum());
                sampleLine(name, "_count", labels, snapshot.count());
            }
        }
        endFamily();
        if (emitCreated) {
            created(name, help, List.of(labels));
        }
    }

    /** The scrape so far; every line, the last included, ends with a newline. */
    String finish() {
        return out.toString();
    }

    private void buckets(String name, Labels labels, Histogram.Snapshot s) {
        double[] bounds = s.bounds();
        long[] cumulative = s.cumulativeCounts();
        for (int i = 0; i < bounds.length; i++) {
            sampleLine(name, "_bucket", labels.and("le", dialect.number(bounds[i])), cumulative[i]);
        }
        sampleLine(name, "_bucket", labels.and("le", "+Inf"), cumulative[bounds.length]);
    }

    // prometheus_client writes each counter's and histogram's creation time as its own gauge family, after it.
    private void created(String name, String help, List<Labels> series) {
        String createdName = name + "_created";
        header(createdName, help, "gauge");
        for (Labels labels : series) {
            out.append(createdName);
            labels(labels);
            out.append(' ').append(createdValue).append('\n');
        }
        endFamily();
    }

    private void header(String name, String help, String type) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name: '" + name + "' (expected: [a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        if (!families.add(name)) {
            throw new IllegalStateException("metric family '" + name + "' written twice (expected: once per scrape)");
        }
        if (help != null) {
            out.append("# HELP ").append(name).append(' ');
            escape(help, false);
            out.append('\n');
        }
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void endFamily() {
        if (dialect.blankLineAfterFamily()) {
            out.append('\n');
        }
    }

    private void sampleLine(String name, String suffix, Labels labels, double value) {
        out.append(name).append(suffix);
        labels(labels);
        out.append(' ').append(dialect.number(value)).append('\n');
    }

    private void labels(Labels labels) {
        if (labels.size() == 0) {
            return;
        }
        Labels ordered = dialect.sortLabels() ? labels.sorted() : labels;
        out.append('{');
        for (int i = 0; i < ordered.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(ordered.name(i)).append("=\"");
            escape(ordered.value(i), true);
            out.append('"');
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
}
