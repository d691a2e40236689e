package io.infergate.gateway.metrics;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A Prometheus histogram with fixed upper bounds: one atomic counter per bucket plus one for {@code +Inf}, and
 * a {@link DoubleAdder} for the sum.
 *
 * <p>Thread-safe and lock-free: {@link #observe} is a binary search, one atomic increment and one adder update,
 * so event loops may call it. A {@link #snapshot()} taken while observations run may count an observation in
 * its bucket but not yet in the sum (or the other way round); the buckets and the count are always consistent
 * with each other because the count is derived from the buckets. NaN observations are ignored.
 */
final class Histogram {

    private final Buckets buckets;
    // non-cumulative counts; index bounds.length is the +Inf overflow bucket
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(Buckets buckets) {
        this.buckets = Objects.requireNonNull(buckets, "buckets");
        this.counts = new AtomicLongArray(buckets.size() + 1);
    }

    void observe(double value) {
        if (Double.isNaN(value)) {
            return;
        }
        counts.incrementAndGet(buckets.indexOf(value));
        sum.add(value);
    }

    Buckets buckets() {
        return buckets;
    }

    /** Cumulative counts per bound (the last element is {@code +Inf}, i.e. the total count) and the sum. */
    Snapshot snapshot() {
        long[] cumulative = new long[counts.length()];
        long running = 0;
        for (int i = 0; i < cumulative.length; i++) {
            running += counts.get(i);
            cumulative[i] = running;
        }
        return new Snapshot(cumulative, sum.sum());
    }

    /** @param cumulative {@code cumulative[i]} observations {@code <= bound i}; the last one is the total */
    record Snapshot(long[] cumulative, double sum) {
        long count() {
            return cumulative[cumulative.length - 1];
        }
    }
}
