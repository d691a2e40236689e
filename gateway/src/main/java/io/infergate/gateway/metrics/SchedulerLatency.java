package io.infergate.gateway.metrics;

import java.util.concurrent.TimeUnit;

/**
 * How long the endpoint picker's decisions take: the histogram behind
 * {@code inference_extension_scheduler_e2e_duration_seconds}, with the EPP's buckets (100 us to 100 ms). The request
 * router reports the duration of every pick, rejected ones included, as the EPP times its whole
 * {@code Schedule} call whatever its outcome.
 *
 * <p>Thread-safe and lock-free: {@link #record} is called on event loops (a binary search and two atomic updates);
 * {@link GatewayMetrics#scrape} reads it on the admin thread. A negative duration (only a broken clock gives one)
 * is ignored rather than counted in the lowest bucket.
 */
public final class SchedulerLatency {

    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Histogram histogram = new Histogram(Buckets.SCHEDULER_E2E);

    /** Records one decision that took {@code nanos}. */
    public void record(long nanos) {
        if (nanos >= 0) {
            histogram.observe(nanos / NANOS_PER_SECOND);
        }
    }

    Histogram histogram() {
        return histogram;
    }
}
