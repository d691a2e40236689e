/**
 * Request metrics and the access log of the data plane.
 *
 * <p>{@link io.infergate.gateway.metrics.GatewayMetrics} records every finished request (it is a
 * {@link io.infergate.gateway.ProxyListener}) into lock-free counters and fixed-bucket histograms, and renders
 * them in the Prometheus text format (version 0.0.4) under the Gateway API Inference Extension's names
 * ({@code inference_objective_*}, the legacy {@code inference_model_*}, {@code inference_pool_*}) plus our own
 * {@code infergate_*}. At scrape time it also reads the endpoint picker's state
 * ({@link io.infergate.gateway.metrics.SchedulingView}): pool averages over endpoints whose scraped metrics are
 * {@link io.infergate.gateway.metrics.EndpointFreshness fresh}, per-endpoint ages and staleness, the prefix index
 * size and the decision times the request router records in {@link io.infergate.gateway.metrics.SchedulerLatency}.
 * {@link io.infergate.gateway.metrics.AccessLog} writes one line per request to the SLF4J
 * logger {@code io.infergate.access}. No Prometheus client library is used: the text format is small and the
 * recording path must not allocate more than a label key.
 */
package io.infergate.gateway.metrics;
