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
 * @param readyNeedsMetrics whether {@code inference_pool_ready_pods} counts only endpoints whose metrics scrape has
 *                  not failed and is not stale ({@link ReadyEndpoints}; the gateway), or every ready endpoint of the
 *                  pool (the endpoint picker, as GIE's EPP counts its datastore's pods)
 */
public record SchedulingView(
        Datastore datastore, PoolPickers pickers, SchedulerLatency latency, long nowNanos, boolean readyNeedsMetrics) {

    public SchedulingView {
        Objects.requireNonNull(datastore, "datastore");
    }

    /** The gateway's view: {@code inference_pool_ready_pods} leaves out endpoints whose scrape failed or is stale. */
    public SchedulingView(Datastore datastore, PoolPickers pickers, SchedulerLatency latency, long nowNanos) {
        this(datastore, pickers, latency, nowNanos, true);
    }
}
