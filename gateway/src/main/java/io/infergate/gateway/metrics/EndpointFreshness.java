package io.infergate.gateway.metrics;

import io.infergate.scheduler.datastore.ScrapedMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whether an endpoint's scraped metrics are fit to report, as the EPP judges it for its pool gauges and debug
 * logging: fresh when the latest scrape succeeded and the values are at most {@link #STALENESS_THRESHOLD} old.
 * Only fresh endpoints are averaged into {@code inference_pool_average_*}; the admin API and
 * {@code infergate_endpoint_stale} show the verdict per endpoint, with the reason.
 *
 * <p>This is the reporting threshold only. Admission uses the saturation detector's own, much shorter one (200 ms),
 * and scorers use whatever was last read, as in the EPP. Immutable; any thread.
 *
 * @param ageNanos    how old the values are, or {@code -1} when the endpoint was never read
 * @param staleReason why the values are stale (the latest scrape's failure, never read, or too old); null when
 *                    fresh
 */
public record EndpointFreshness(long ageNanos, String staleReason) {

    /** GIE's {@code --metrics-staleness-threshold} default: older metrics are left out of the pool averages. */
    public static final Duration STALENESS_THRESHOLD = Duration.ofSeconds(2);

    private static final long THRESHOLD_NANOS = STALENESS_THRESHOLD.toNanos();

    /** Judges {@code metrics} at {@code nowNanos}, on the clock their read time was taken with. */
    public static EndpointFreshness of(ScrapedMetrics metrics, long nowNanos) {
        long age = metrics.everRead() ? metrics.ageNanos(nowNanos) : -1;
        if (metrics.failure() != null) {
            // the scraper keeps the old values (and their age) after a failure: stale whatever the age
            return new EndpointFreshness(age, metrics.failure());
        }
        if (age < 0) {
            return new EndpointFreshness(age, "never read");
        }
        if (age > THRESHOLD_NANOS) {
            return new EndpointFreshness(
                    age,
                    "metrics are " + TimeUnit.NANOSECONDS.toMillis(age) + " ms old" + " (threshold "
                            + STALENESS_THRESHOLD.toMillis() + " ms)");
        }
        return new EndpointFreshness(age, null);
    }

    public boolean fresh() {
        return staleReason == null;
    }

    public boolean everRead() {
        return ageNanos >= 0;
    }
}
