package io.infergate.bench.report;

import io.infergate.bench.results.RunSummary;

/**
 * One number of a run's summary, e.g. {@code RunSummary::ttftP90}: what a chart plots and what seed means average.
 * Implementations are pure functions (usually method references); NaN means "no value".
 */
@FunctionalInterface
public interface SummaryMetric {

    double of(RunSummary summary);
}
