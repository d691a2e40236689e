package io.infergate.scheduler.admission;

import io.infergate.api.model.PluginTypes;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * GIE's {@code utilization-detector} (v1.4+; v1.5.0
 * {@code framework/plugins/flowcontrol/saturationdetector/utilization/detector.go}), in its two roles.
 *
 * <p><b>Saturation detector.</b> {@link #saturation} is GIE's: the mean over the candidate endpoints of each
 * endpoint's roofline score {@code max(waitingQueue / queueDepthThreshold, kvUsage / kvCacheUtilThreshold)}; an
 * endpoint without metrics, or whose metrics are older than {@code metricsStalenessThreshold}, scores 1.0; no
 * candidates at all gives 1.0. It is kept as a gauge. The decisions are per endpoint (ours): the pool is
 * {@linkplain #isSaturated saturated} when every candidate scores at least 1.0, and its {@linkplain #headroom
 * headroom} is what the unsaturated ones can still take. GIE's mean lets one endpoint with a deep queue hold the
 * pool "saturated" while the others idle.
 *
 * <p><b>Filter.</b> {@link #filter} keeps the endpoints whose metrics are fresh and that are strictly below the
 * relaxed limits {@code queueDepthThreshold·(1+headroom)} and {@code kvCacheUtilThreshold·(1+headroom)}. When that
 * would leave no endpoint it keeps them all (GIE's fail-open fallback), so the filter never empties the candidate
 * set. As in GIE's code (its README adds a {@code min(1.0, ...)} on the KV limit that the code does not have),
 * the KV limit is not capped at 1.0.
 *
 * <p>Metrics are fresh while their age is at most the staleness threshold ({@code age > threshold} is stale).
 *
 * <p>Immutable and thread-safe; every method is a pure function of its argument, allocation-free except for the
 * filter's result, O(n) in the number of candidates, and never blocks. Safe to call on event loops. Bad
 * configuration is rejected at construction ({@link Config}); a {@code null} list or element is a bug
 * ({@link NullPointerException}).
 */
public final class UtilizationSaturationDetector {

    /** The plugin type name in {@code EndpointPickerConfig}, byte-for-byte GIE's. */
    public static final String TYPE = PluginTypes.UTILIZATION_DETECTOR;

    /**
     * The detector's parameters, with GIE's names and defaults ({@link #DEFAULT}).
     *
     * @param queueDepthThreshold       the "ideal" waiting queue per endpoint, > 0 (default 5)
     * @param kvCacheUtilThreshold      the "ideal" KV-cache utilisation per endpoint, in (0, 1] (default 0.8)
     * @param metricsStalenessThreshold metrics older than this count as saturated, > 0 (default 200 ms)
     * @param headroom                  burst allowance of the filter above the thresholds, as a fraction, >= 0
     *                                  (default 0); it does not change {@link #saturation}
     */
    public record Config(
            int queueDepthThreshold, double kvCacheUtilThreshold, Duration metricsStalenessThreshold, double headroom) {

        public static final Config DEFAULT = new Config(5, 0.8, Duration.ofMillis(200), 0.0);

        public Config {
            if (queueDepthThreshold <= 0) {
                throw new IllegalArgumentException("queueDepthThreshold: " + queueDepthThreshold + " (expected: > 0)");
            }
            if (!(kvCacheUtilThreshold > 0 && kvCacheUtilThreshold <= 1)) {
                throw new IllegalArgumentException(
                        "kvCacheUtilThreshold: " + kvCacheUtilThreshold + " (expected: in (0, 1])");
            }
            Objects.requireNonNull(metricsStalenessThreshold, "metricsStalenessThreshold");
            if (metricsStalenessThreshold.isNegative() || metricsStalenessThreshold.isZero()) {
                throw new IllegalArgumentException(
                        "metricsStalenessThreshold: " + metricsStalenessThreshold + " (expected: > 0)");
            }
            if (!(headroom >= 0) || Double.isInfinite(headroom)) {
                throw new IllegalArgumentException("headroom: " + headroom + " (expected: a finite fraction >= 0)");
            }
        }
    }

    private final Config config;
    private final long stalenessNanos;
    private final double queueLimit;
    private final double kvLimit;

    public UtilizationSaturationDetector(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.stalenessNanos = toNanosSaturated(config.metricsStalenessThreshold());
        this.queueLimit = config.queueDepthThreshold() * (1.0 + config.headroom());
        this.kvLimit = config.kvCacheUtilThreshold() * (1.0 + config.headroom());
    }

    /** A detector with GIE's defaults. */
    public static UtilizationSaturationDetector withDefaults() {
        return new UtilizationSaturationDetector(Config.DEFAULT);
    }

    public Config config() {
        return config;
    }

    /** Whether {@code e} has metrics no older than the staleness threshold. */
    public boolean isFresh(EndpointSignals e) {
        return e.hasMetrics() && e.metricsAgeNanos() <= stalenessNanos;
    }

    /** The endpoint's roofline score: 1.0 when stale or without metrics, else max of the two ratios. */
    public double score(EndpointSignals e) {
        if (!isFresh(e)) {
            return 1.0;
        }
        double q = e.waitingQueue() / (double) config.queueDepthThreshold();
        double kv = e.kvUsage() / config.kvCacheUtilThreshold();
        return Math.max(q, kv);
    }

    /** The pool's saturation over {@code candidates}: the mean {@link #score}, 1.0 when there are none. */
    public double saturation(List<EndpointSignals> candidates) {
        int n = candidates.size();
        if (n == 0) {
            return 1.0;
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += score(candidates.get(i));
        }
        return total / n;
    }

    /**
     * How many more requests the endpoints can take before each is saturated, summed over endpoints: for a fresh
     * endpoint whose KV usage is below {@code kvCacheUtilThreshold}, {@code queueDepthThreshold - waitingQueue}
     * (at least 0); 0 for a stale endpoint, one without metrics or one at its KV limit. A per-endpoint view, unlike
     * the mean of {@link #saturation}: one endpoint with a deep queue does not hide three idle ones, and idle
     * endpoints do not hide that each can take only so much. Flow control releases at most this many requests
     * ahead of the next signals ({@link PoolCapacity#of}). 0 for no candidates; never negative, saturating at
     * {@link Integer#MAX_VALUE}.
     */
    public int headroom(List<EndpointSignals> candidates) {
        long room = 0;
        for (int i = 0, n = candidates.size(); i < n; i++) {
            room += room(candidates.get(i));
        }
        return (int) Math.min(Integer.MAX_VALUE, room);
    }

    /**
     * One endpoint's part of {@link #headroom}: {@code queueDepthThreshold - waitingQueue} (at least 0) when its
     * metrics are fresh and its KV usage is below {@code kvCacheUtilThreshold}, else 0.
     */
    public int room(EndpointSignals e) {
        return isFresh(e) && e.kvUsage() < config.kvCacheUtilThreshold()
                ? Math.max(0, config.queueDepthThreshold() - e.waitingQueue())
                : 0;
    }

    /**
     * Whether no candidate can take another request ({@link #headroom} 0: every endpoint's score is at least 1.0).
     * Not GIE's {@code saturation(candidates) >= 1.0}: with the mean, one endpoint with a deep queue keeps the pool
     * "saturated" (and sheds its Sheddable requests) while the others idle.
     */
    public boolean isSaturated(List<EndpointSignals> candidates) {
        return headroom(candidates) == 0;
    }

    /** Whether the filter keeps {@code e} on its own merits (before the fail-open fallback). */
    public boolean passes(EndpointSignals e) {
        return isFresh(e) && e.waitingQueue() < queueLimit && e.kvUsage() < kvLimit;
    }

    /**
     * The filter: indexes into {@code candidates} of the endpoints that pass, ascending. When none passes, returns
     * every index {@code 0..n-1} (the input unchanged); an empty input gives an empty array. The caller maps the
     * indexes back to its own endpoint list, which stays untouched.
     */
    public int[] filter(List<EndpointSignals> candidates) {
        int n = candidates.size();
        int[] kept = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (passes(candidates.get(i))) {
                kept[k++] = i;
            }
        }
        if (k == 0) {
            for (int i = 0; i < n; i++) {
                kept[i] = i;
            }
            return kept;
        }
        return k == n ? kept : Arrays.copyOf(kept, k);
    }

    private static long toNanosSaturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
