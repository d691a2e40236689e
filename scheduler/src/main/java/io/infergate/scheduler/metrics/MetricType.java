package io.infergate.scheduler.metrics;

/**
 * The type a {@code # TYPE} line gives a metric family. A family without a {@code # TYPE} line is
 * {@link #UNTYPED}.
 *
 * <p>Threading: immutable, any thread.
 */
public enum MetricType {
    COUNTER("counter"),
    GAUGE("gauge"),
    HISTOGRAM("histogram"),
    SUMMARY("summary"),
    /** {@code untyped}, OpenMetrics' {@code unknown}, or no {@code # TYPE} line at all. */
    UNTYPED("untyped");

    private final String word;

    MetricType(String word) {
        this.word = word;
    }

    /** The word used on {@code # TYPE} lines. */
    public String word() {
        return word;
    }

    /**
     * Whether a plain value of this type is something a spec may read: gauges, counters and untyped samples,
     * as GIE reads them (histograms and summaries have no single value).
     */
    public boolean hasSingleValue() {
        return this == GAUGE || this == COUNTER || this == UNTYPED;
    }

    /** The type named by the ASCII bytes {@code [start, end)}, or null if the word is not a type. */
    static MetricType parse(byte[] b, int start, int end) {
        for (MetricType t : values()) {
            if (Bytes.equalsAscii(b, start, end, t.word)) {
                return t;
            }
        }
        return Bytes.equalsAscii(b, start, end, "unknown") ? UNTYPED : null;
    }
}
