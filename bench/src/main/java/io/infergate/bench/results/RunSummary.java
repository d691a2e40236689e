package io.infergate.bench.results;

import java.util.Arrays;
import java.util.List;

/**
 * The metrics of one run (one policy at one rate, or one real-time load run), computed from its
 * {@link RequestRecord}s with inference-perf's definitions ({@code kubernetes-sigs/inference-perf}
 * {@code docs/metrics.md}, {@code docs/goodput.md}). Immutable.
 *
 * <p>Latency percentiles are over completed requests only and exact (nearest rank on the sorted values), so the
 * same records always give the same numbers. Shed and failed requests are counted apart and never hidden: goodput
 * counts them as not good, so a policy cannot improve its goodput by refusing work. Times are milliseconds,
 * rates per second of the measured window.
 *
 * @param sent             requests in the window
 * @param completed        served to the end
 * @param shed             refused by admission control on purpose
 * @param failed           every other failure
 * @param windowSeconds    first send to last completion
 * @param ttftP50          TTFT percentiles, ms (NaN with no completed request; likewise below)
 * @param tpotP50          TPOT = (e2e - ttft) / (output - 1) percentiles, ms
 * @param ntpotP50         NTPOT = e2e / output percentiles, ms
 * @param e2eP50           end-to-end latency percentiles, ms
 * @param outputTokensPerSec output tokens of completed requests per second
 * @param inputTokensPerSec  prompt tokens of completed requests per second
 * @param requestsPerSec     completed requests per second
 * @param goodputPerSec      completed requests within the SLO per second
 * @param goodputFraction    requests within the SLO / sent
 * @param prefixHitRate      cached prompt tokens / prompt tokens over completed requests that report it; NaN when
 *                           none does
 */
public record RunSummary(
        int sent,
        int completed,
        int shed,
        int failed,
        double windowSeconds,
        double ttftMean,
        double ttftP50,
        double ttftP90,
        double ttftP99,
        double tpotP50,
        double tpotP90,
        double tpotP99,
        double ntpotP50,
        double ntpotP90,
        double e2eP50,
        double e2eP90,
        double e2eP99,
        double outputTokensPerSec,
        double inputTokensPerSec,
        double requestsPerSec,
        double goodputPerSec,
        double goodputFraction,
        double prefixHitRate,
        Slo slo) {

    /**
     * Summarizes {@code records}.
     *
     * @param records the run's requests, in any order; may be empty (everything is then 0 or NaN)
     * @param slo     the goodput objective
     */
    public static RunSummary of(List<RequestRecord> records, Slo slo) {
        int n = records.size();
        int ok = 0;
        int shed = 0;
        int failed = 0;
        long firstSend = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        double[] ttft = new double[n];
        double[] tpot = new double[n];
        double[] ntpot = new double[n];
        double[] e2e = new double[n];
        int tpots = 0;
        long outTokens = 0;
        long inTokens = 0;
        long hitTokens = 0;
        long hitQueried = 0;
        int good = 0;
        for (RequestRecord r : records) {
            firstSend = Math.min(firstSend, r.arrivalNanos());
            switch (r.status()) {
                case SHED -> shed++;
                case FAILED -> failed++;
                case OK -> {
                    ttft[ok] = r.ttftNanos() / 1e6;
                    e2e[ok] = r.e2eNanos() / 1e6;
                    ntpot[ok] = r.ntpotNanos() / 1e6;
                    double t = r.tpotNanos();
                    if (!Double.isNaN(t)) {
                        tpot[tpots++] = t / 1e6;
                    }
                    ok++;
                    lastEnd = Math.max(lastEnd, r.arrivalNanos() + r.e2eNanos());
                    outTokens += r.outputTokens();
                    inTokens += r.promptTokens();
                    if (r.cachedTokens() >= 0) {
                        hitTokens += r.cachedTokens();
                        hitQueried += r.promptTokens();
                    }
                    if (slo.met(r)) {
                        good++;
                    }
                }
            }
        }
        double window = ok == 0 ? 0 : (lastEnd - firstSend) / 1e9;
        double[] ttftOk = sorted(ttft, ok);
        double[] tpotOk = sorted(tpot, tpots);
        double[] ntpotOk = sorted(ntpot, ok);
        double[] e2eOk = sorted(e2e, ok);
        return new RunSummary(
                n,
                ok,
                shed,
                failed,
                window,
                mean(ttftOk),
                pct(ttftOk, 50),
                pct(ttftOk, 90),
                pct(ttftOk, 99),
                pct(tpotOk, 50),
                pct(tpotOk, 90),
                pct(tpotOk, 99),
                pct(ntpotOk, 50),
                pct(ntpotOk, 90),
                pct(e2eOk, 50),
                pct(e2eOk, 90),
                pct(e2eOk, 99),
                perSecond(outTokens, window),
                perSecond(inTokens, window),
                perSecond(ok, window),
                perSecond(good, window),
                n == 0 ? 0 : good / (double) n,
                hitQueried == 0 ? Double.NaN : hitTokens / (double) hitQueried,
                slo);
    }

    private static double[] sorted(double[] values, int n) {
        double[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        return v;
    }

    /** Nearest-rank percentile of sorted values; NaN when empty. */
    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double mean(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double perSecond(long count, double seconds) {
        return seconds > 0 ? count / seconds : 0;
    }
}
