package io.infergate.bench.report;

import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * One (policy, rate) of a sweep, averaged over its seeds: what the Markdown tables and the charts show. Immutable.
 *
 * <p>In {@link #mean()}, the counts ({@code sent}, {@code completed}, {@code shed}, {@code failed}) are summed over
 * the seeds and every other metric, {@code windowSeconds} included, is the arithmetic mean of the seeds' values.
 * A NaN value (a seed with no completed request has no TTFT; a backend that reports no cached tokens has no prefix
 * hit rate) is left out of its mean rather than turning it into NaN; the mean is NaN only when every seed's value
 * is. The summed counts still show the seed that served nothing. A mean of percentiles is not a percentile of the
 * pooled requests; it is what "the p90 of a typical run" means, and {@link #ttftP90Min()} and
 * {@link #ttftP90Max()} show how far the seeds spread.
 *
 * @param policy    the policy or target name
 * @param rate      offered load, requests per second
 * @param seeds     the seeds averaged, in the order they appear in the report
 * @param mean      the averaged summary (see above)
 * @param ttftP90Min the smallest TTFT p90 of the seeds, ms (NaN when none has one)
 * @param ttftP90Max the largest TTFT p90 of the seeds, ms (NaN when none has one)
 */
public record SeedMeans(
        String policy, double rate, List<Long> seeds, RunSummary mean, double ttftP90Min, double ttftP90Max) {

    public SeedMeans {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(mean, "mean");
        seeds = List.copyOf(seeds);
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("seeds: empty (expected: at least one)");
        }
    }

    /**
     * Groups the report's points by (policy, rate) and averages each group.
     *
     * @return one entry per (policy, rate), ordered by rate ascending, then by the policy's first appearance in
     *         the report (the order the sweep ran them in)
     * @throws IllegalArgumentException when the seeds of one (policy, rate) were measured against different SLOs,
     *                                  whose goodputs cannot be averaged
     */
    public static List<SeedMeans> of(SweepReport report) {
        Map<String, Integer> policyOrder = new LinkedHashMap<>();
        Map<String, Map<Double, List<SweepReport.Point>>> groups = new LinkedHashMap<>();
        for (SweepReport.Point p : report.points()) {
            policyOrder.putIfAbsent(p.policy(), policyOrder.size());
            groups.computeIfAbsent(p.policy(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(p.rate(), k -> new ArrayList<>())
                    .add(p);
        }
        List<SeedMeans> out = new ArrayList<>();
        for (Map<Double, List<SweepReport.Point>> byRate : groups.values()) {
            for (List<SweepReport.Point> g : byRate.values()) {
                out.add(of(g));
            }
        }
        out.sort(Comparator.comparingDouble(SeedMeans::rate).thenComparing(m -> policyOrder.get(m.policy())));
        return List.copyOf(out);
    }

    /**
     * Averages the points of one (policy, rate).
     *
     * @throws IllegalArgumentException when {@code points} is empty, or mixes policies, rates or SLOs
     */
    public static SeedMeans of(List<SweepReport.Point> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("points: empty (expected: the seeds of one policy and rate)");
        }
        SweepReport.Point first = points.getFirst();
        List<Long> seeds = new ArrayList<>(points.size());
        List<RunSummary> ss = new ArrayList<>(points.size());
        for (SweepReport.Point p : points) {
            if (!p.policy().equals(first.policy()) || Double.compare(p.rate(), first.rate()) != 0) {
                throw new IllegalArgumentException("points: " + p.policy() + " at " + p.rate() + " req/s among "
                        + first.policy() + " at " + first.rate() + " req/s (expected: one policy and rate)");
            }
            if (!p.summary().slo().equals(first.summary().slo())) {
                throw new IllegalArgumentException(first.policy() + " at " + first.rate() + " req/s: seed "
                        + p.seed() + " has SLO " + p.summary().slo() + ", seed " + first.seed() + " "
                        + first.summary().slo() + " (expected: one SLO per policy and rate)");
            }
            seeds.add(p.seed());
            ss.add(p.summary());
        }
        Slo slo = first.summary().slo();
        RunSummary mean = new RunSummary(
                sum(ss, RunSummary::sent),
                sum(ss, RunSummary::completed),
                sum(ss, RunSummary::shed),
                sum(ss, RunSummary::failed),
                mean(ss, RunSummary::windowSeconds),
                mean(ss, RunSummary::ttftMean),
                mean(ss, RunSummary::ttftP50),
                mean(ss, RunSummary::ttftP90),
                mean(ss, RunSummary::ttftP99),
                mean(ss, RunSummary::tpotP50),
                mean(ss, RunSummary::tpotP90),
                mean(ss, RunSummary::tpotP99),
                mean(ss, RunSummary::ntpotP50),
                mean(ss, RunSummary::ntpotP90),
                mean(ss, RunSummary::e2eP50),
                mean(ss, RunSummary::e2eP90),
                mean(ss, RunSummary::e2eP99),
                mean(ss, RunSummary::outputTokensPerSec),
                mean(ss, RunSummary::inputTokensPerSec),
                mean(ss, RunSummary::requestsPerSec),
                mean(ss, RunSummary::goodputPerSec),
                mean(ss, RunSummary::goodputFraction),
                mean(ss, RunSummary::prefixHitRate),
                slo);
        double min = Double.NaN;
        double max = Double.NaN;
        for (RunSummary s : ss) {
            double v = s.ttftP90();
            if (!Double.isNaN(v)) {
                min = Double.isNaN(min) ? v : Math.min(min, v);
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
        }
        return new SeedMeans(first.policy(), first.rate(), seeds, mean, min, max);
    }

    private static int sum(List<RunSummary> ss, ToIntFunction<RunSummary> f) {
        long total = 0;
        for (RunSummary s : ss) {
            total += f.applyAsInt(s);
        }
        return Math.toIntExact(total);
    }

    private static double mean(List<RunSummary> ss, SummaryMetric f) {
        double total = 0;
        int n = 0;
        for (RunSummary s : ss) {
            double v = f.of(s);
            if (!Double.isNaN(v)) {
                total += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : total / n;
    }
}
