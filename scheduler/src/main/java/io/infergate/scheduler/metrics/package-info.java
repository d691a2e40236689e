/**
 * Reading model servers' {@code /metrics}: a fast Prometheus text-format parser and the Model Server
 * Protocol of the Gateway API Inference Extension (GIE) on top of it.
 *
 * <ul>
 *   <li>{@link io.infergate.scheduler.metrics.PrometheusTextParser} reads text format 0.0.4 from bytes. It is
 *       told up front which metric families to deliver and skips every other line without building strings;
 *       wanted samples reach a {@link io.infergate.scheduler.metrics.SampleVisitor} through a reused
 *       {@link io.infergate.scheduler.metrics.Sample} view. It never throws on bad input: it reports each bad
 *       line ({@link io.infergate.scheduler.metrics.ParseProblem}) and keeps the rest.</li>
 *   <li>{@link io.infergate.scheduler.metrics.MetricSpec} is GIE's spec syntax, a PromQL instant-vector
 *       selector such as {@code nv_trt_llm_request_metrics{request_type=waiting}}.</li>
 *   <li>{@link io.infergate.scheduler.metrics.EngineMapping} says, per engine type (the pod label
 *       {@code inference.networking.k8s.io/engine-type}), which series hold the waiting queue, running
 *       requests, KV-cache usage, LoRA state and KV block geometry: GIE v1.5.0's built-in {@code vllm},
 *       {@code sglang}, {@code trtllm-serve} and {@code triton-tensorrt-llm}, plus our {@code tgi}.</li>
 *   <li>{@link io.infergate.scheduler.metrics.MetricsExtractor} turns one scrape body into an immutable
 *       {@link io.infergate.scheduler.metrics.ModelServerMetrics}: every value is known or explicitly unknown,
 *       and every metric that was missing or unreadable is listed as a
 *       {@link io.infergate.scheduler.metrics.MetricsProblem} while whatever was found is still returned
 *       (GIE issue #495).</li>
 * </ul>
 *
 * <p>Threading: parsers, specs, mappings and extractors are immutable and may be shared by all scraping
 * threads; each parse keeps its mutable state in objects it allocates itself. Nothing here blocks or does I/O.
 */
package io.infergate.scheduler.metrics;
