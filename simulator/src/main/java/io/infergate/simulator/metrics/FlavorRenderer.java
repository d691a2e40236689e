package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineMetrics;

/**
 * Maps {@link EngineMetrics} onto one server's metric families.
 *
 * <p>Threading: implementations are stateless and called from any thread, concurrently; they only read
 * the metrics (a scrape may mix gauges of two adjacent steps, as a real scrape does).
 */
interface FlavorRenderer {

    /** The exposition library the server uses. */
    TextDialect dialect();

    /** Writes every family of one scrape. */
    void render(EngineMetrics metrics, MetricsOptions options, PrometheusTextWriter out);
}
