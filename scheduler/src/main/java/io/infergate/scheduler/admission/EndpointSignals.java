package io.infergate.scheduler.admission;

/**
 * What saturation detection reads of one candidate endpoint: whether it has scraped metrics, how old they are, and
 * the two load signals of GIE's {@code utilization-detector}. A small, immutable value so that this package does not
 * depend on the metrics store; the data plane maps its metrics snapshot onto it when it asks.
 *
 * @param hasMetrics      false when the endpoint has never been scraped successfully; the other components are then
 *                        ignored and the endpoint counts as saturated
 * @param metricsAgeNanos how long ago the metrics were scraped, on the same monotonic clock as the caller, >= 0
 * @param waitingQueue    requests waiting in the model server's own queue (vLLM {@code num_requests_waiting}), >= 0
 * @param kvUsage         KV-cache utilisation as a fraction (vLLM {@code kv_cache_usage_perc}), >= 0, normally {@code <= 1}
 */
public record EndpointSignals(boolean hasMetrics, long metricsAgeNanos, int waitingQueue, double kvUsage) {

    /** An endpoint without metrics: counts as saturated (1.0) and never passes the filter on its own. */
    public static final EndpointSignals NO_METRICS = new EndpointSignals(false, 0, 0, 0);

    public EndpointSignals {
        if (metricsAgeNanos < 0) {
            throw new IllegalArgumentException("metricsAgeNanos: " + metricsAgeNanos + " (expected: >= 0)");
        }
        if (waitingQueue < 0) {
            throw new IllegalArgumentException("waitingQueue: " + waitingQueue + " (expected: >= 0)");
        }
        if (!(kvUsage >= 0) || Double.isInfinite(kvUsage)) {
            throw new IllegalArgumentException("kvUsage: " + kvUsage + " (expected: a finite fraction >= 0)");
        }
    }

    /** Signals of a scraped endpoint. */
    public static EndpointSignals of(long metricsAgeNanos, int waitingQueue, double kvUsage) {
        return new EndpointSignals(true, metricsAgeNanos, waitingQueue, kvUsage);
    }
}
