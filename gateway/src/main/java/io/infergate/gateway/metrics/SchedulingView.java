package io.infergate.gateway.metrics;

import io.infergate.gateway.picker.PoolPickers;
import io.infergate.scheduler.datastore.Datastore;
import java.util.Objects;

/**
 * What one {@link GatewayMetrics#scrape scrape} reads of the endpoint picker: the datastore with every endpoint's
 * scraped metrics, the pools' schedulers (for their prefix indexes) and the decision-time histogram, with the
 * moment the scrape happens. A value made per scrape; it holds live objects, not copies.
 *
 * @param datastore every pool's endpoint slots
 * @param pickers   each pool's scheduler and prefix index; null leaves {@code inference_extension_prefix_indexer_size}
 *                  out
 * @param latency   the scheduling decision durations; null leaves
 *                  {@code inference_extension_scheduler_e2e_duration_seconds} out
 * @param nowNanos  now, on the clock the scraper stamped the read times with ({@code System.nanoTime()} in the
 *                  gateway), for ages and staleness
 */
public record SchedulingView(Datastore datastore, PoolPickers pickers, SchedulerLatency latency, long nowNanos) {

    public SchedulingView {
        Objects.requireNonNull(datastore, "datastore");
    }
}
