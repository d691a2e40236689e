package io.infergate.simulator.engine;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A Prometheus-style histogram with fixed upper bounds (the {@code +Inf} bucket is implicit).
 *
 * <p>Threading: {@link #observe} from one writer (the engine thread) and {@link #snapshot} from any
 * thread, lock-free. A snapshot taken during an observation may see the count and the sum off by that one
 * observation, which Prometheus tolerates.
 */
public final class Histogram {

    private final double[] bounds;
    private final AtomicLongArray counts; // per bucket, not cumulative; last slot is +Inf
    private final DoubleAdder sum = new DoubleAdder();

    /**
     * @param bounds strictly increasing finite upper bounds
     * @throws IllegalArgumentException if the bounds are empty, unsorted or not finite
     */
    public Histogram(double[] bounds) {
        if (bounds.length == 0) {
            throw new IllegalArgumentException("bounds: empty (expected: at least one bucket bound)");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                throw new IllegalArgumentException(
                        "bounds: " + Arrays.toString(bounds) + " (expected: strictly increasing finite numbers)");
            }
        }
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    public void observe(double value) {
        int i = Arrays.binarySearch(bounds, value);
        if (i < 0) {
            i = -i - 1; // first bound greater than value; an exact match stays in its own bucket (le is inclusive)
        }
        counts.incrementAndGet(i);
        sum.add(value);
    }

    /** A consistent-enough copy: cumulative counts per bound, the total count and the sum. */
    public Snapshot snapshot() {
        long[] cumulative = new long[bounds.length + 1];
        long running = 0;
        for (int i = 0; i < cumulative.length; i++) {
            running += counts.get(i);
            cumulative[i] = running;
        }
        return new Snapshot(bounds.clone(), cumulative, running, sum.sum());
    }

    /**
     * @param bounds          upper bounds, without +Inf
     * @param cumulativeCounts one more entry than bounds: the last is the +Inf bucket, equal to count
     */
    public record Snapshot(double[] bounds, long[] cumulativeCounts, long count, double sum) {}

    /** The 1-2-5 series up to {@code max} inclusive (vLLM's {@code build_1_2_5_buckets}); at least {1}. */
    public static double[] oneTwoFive(long max) {
        double[] out = new double[64];
        int n = 0;
        for (long decade = 1; ; decade *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                long v = m * decade;
                if (v > max) {
                    return n == 0 ? new double[] {1} : Arrays.copyOf(out, n);
                }
                out[n++] = v;
            }
        }
    }
}
