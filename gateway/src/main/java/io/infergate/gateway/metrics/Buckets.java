package io.infergate.gateway.metrics;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Upper bounds of a histogram, ascending, without {@code +Inf}, and their {@code le} label spellings.
 * Immutable.
 *
 * <p>The constants are the Inference Extension EPP's bucket layouts (v1.5.0 {@code pkg/epp/metrics}), so that
 * dashboards and recording rules written against the EPP ({@code histogram_quantile} over {@code le}) keep
 * working unchanged. That includes its {@code 32778} bound among the powers of two: changing it would change
 * the {@code le} label a dashboard may select.
 */
final class Buckets {

    /** Request duration and TTFT: 5 ms to 1 h. */
    static final Buckets GENERAL_LATENCY = of(
            0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60, 120,
            180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600);

    /** Time per output token. */
    static final Buckets TPOT = of(
            0.0005, 0.00205, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1,
            1.5, 2, 3, 4.5, 6, 12, 18, 24, 30, 36, 48, 60, 90, 120, 180, 270, 360);

    /** Normalized time per output token (request latency / output tokens). */
    static final Buckets NTPOT = of(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0);

    /** Prompt tokens. */
    static final Buckets INPUT_TOKENS = of(
            1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32778, 65536, 131072, 262144, 524288,
            1048576);

    /** Completion tokens. */
    static final Buckets OUTPUT_TOKENS = of(1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192);

    /** One scheduling decision ({@code inference_extension_scheduler_e2e_duration_seconds}): 100 us to 100 ms. */
    static final Buckets SCHEDULER_E2E = of(0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1);

    private final double[] bounds;
    private final String[] labels;

    private Buckets(double[] bounds) {
        for (int i = 0; i < bounds.length; i++) {
            if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                throw new IllegalArgumentException(
                        "bounds: " + Arrays.toString(bounds) + " (expected: finite and strictly ascending)");
            }
        }
        this.bounds = bounds.clone();
        this.labels = new String[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            labels[i] = new BigDecimal(Double.toString(bounds[i]))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        labels[bounds.length] = "+Inf";
    }

    static Buckets of(double... bounds) {
        return new Buckets(bounds);
    }

    int size() {
        return bounds.length;
    }

    /** The index of the first bucket whose bound is {@code >= value}, or {@link #size()} for {@code +Inf}. */
    int indexOf(double value) {
        int i = Arrays.binarySearch(bounds, value);
        return i >= 0 ? i : -i - 1;
    }

    /** The {@code le} label of bucket {@code i}; {@code i == size()} is {@code +Inf}. */
    String label(int i) {
        return labels[i];
    }
}
