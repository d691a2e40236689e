package io.infergate.scheduler.metrics;

/**
 * How a sample's name relates to its family's name. For a wanted family {@code foo}: {@code foo} itself,
 * {@code foo_total} of a counter, and {@code foo_bucket} / {@code foo_sum} / {@code foo_count} of a histogram
 * (summaries have {@code _sum} and {@code _count}). {@code foo_created} samples are never attributed to
 * {@code foo}; ask for the family {@code foo_created} to get them.
 *
 * <p>Threading: immutable, any thread.
 */
public enum SampleSuffix {
    NONE(""),
    TOTAL("_total"),
    BUCKET("_bucket"),
    SUM("_sum"),
    COUNT("_count");

    private final String text;

    SampleSuffix(String text) {
        this.text = text;
    }

    /** The suffix as it appears in the sample name, empty for {@link #NONE}. */
    public String text() {
        return text;
    }

    /** Whether a sample {@code family + text()} belongs to a family declared with type {@code t}. */
    boolean belongsTo(MetricType t) {
        return switch (this) {
            case NONE -> true;
            case TOTAL -> t == MetricType.COUNTER;
            case BUCKET -> t == MetricType.HISTOGRAM;
            case SUM, COUNT -> t == MetricType.HISTOGRAM || t == MetricType.SUMMARY;
        };
    }
}
