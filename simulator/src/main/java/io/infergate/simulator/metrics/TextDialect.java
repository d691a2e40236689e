package io.infergate.simulator.metrics;

import java.util.function.DoubleFunction;

/**
 * The layout quirks of the exposition library behind each server. All of them produce valid text format
 * 0.0.4; they differ in number spelling, label order, the order of histogram lines, counter suffixes and
 * whether {@code _created} samples exist.
 *
 * <p>Threading: immutable, any thread.
 */
enum TextDialect {

    /**
     * Python {@code prometheus_client} in one process (vLLM's API server, trtllm-serve): labels sorted by
     * name, counters exposed as {@code <name>_total} in HELP, TYPE and samples, histogram lines
     * {@code _bucket…, _count, _sum}, and {@code _created} as a separate gauge family after each counter or
     * histogram.
     */
    PYTHON("_total", true, HistogramLayout.BUCKETS_COUNT_SUM, false, true, NumberFormats::python),

    /**
     * Python {@code prometheus_client} through {@code MultiProcessCollector} (SGLang): as {@link #PYTHON} but
     * histograms come out as {@code _sum, _bucket…, _count} and there are no {@code _created} samples.
     */
    PYTHON_MULTIPROCESS("_total", true, HistogramLayout.SUM_BUCKETS_COUNT, false, false, NumberFormats::python),

    /**
     * Rust {@code metrics-exporter-prometheus} 0.15 (TGI pins {@code ^0.15.1}): no {@code _total} suffix
     * (only 0.18's opt-in {@code with_recommended_naming} adds it), labels in recording order with {@code le}
     * last, {@code _bucket…, _sum, _count}, integers without {@code .0}, and a blank line after each family.
     */
    RUST_METRICS_EXPORTER("", false, HistogramLayout.BUCKETS_SUM_COUNT, true, false, NumberFormats::rust),

    /** prometheus-cpp (Triton): labels sorted (a {@code std::map}), no suffixes, {@code to_chars} numbers. */
    PROMETHEUS_CPP("", true, HistogramLayout.BUCKETS_SUM_COUNT, false, false, NumberFormats::cpp);

    enum HistogramLayout {
        BUCKETS_COUNT_SUM,
        SUM_BUCKETS_COUNT,
        BUCKETS_SUM_COUNT
    }

    private final String counterSuffix;
    private final boolean sortLabels;
    private final HistogramLayout histogramLayout;
    private final boolean blankLineAfterFamily;
    private final boolean hasCreated;
    private final DoubleFunction<String> numberFormat;

    TextDialect(
            String counterSuffix,
            boolean sortLabels,
            HistogramLayout histogramLayout,
            boolean blankLineAfterFamily,
            boolean hasCreated,
            DoubleFunction<String> numberFormat) {
        this.counterSuffix = counterSuffix;
        this.sortLabels = sortLabels;
        this.histogramLayout = histogramLayout;
        this.blankLineAfterFamily = blankLineAfterFamily;
        this.hasCreated = hasCreated;
        this.numberFormat = numberFormat;
    }

    String counterSuffix() {
        return counterSuffix;
    }

    boolean sortLabels() {
        return sortLabels;
    }

    HistogramLayout histogramLayout() {
        return histogramLayout;
    }

    boolean blankLineAfterFamily() {
        return blankLineAfterFamily;
    }

    /** Whether the library can expose {@code _created} samples at all. */
    boolean hasCreated() {
        return hasCreated;
    }

    /** A sample value or an {@code le} bound; each library prints both the same way. */
    String number(double v) {
        return numberFormat.apply(v);
    }
}
