/**
 * The simulator's {@code /metrics}: an engine's {@link io.infergate.simulator.engine.EngineMetrics} rendered as
 * one of five real model servers would expose it (vLLM, SGLang, trtllm-serve, Triton + TensorRT-LLM, TGI), so
 * that a gateway's metric scrapers meet the names, label shapes, buckets and number spellings they meet in
 * production.
 *
 * <p>Entry points: {@link io.infergate.simulator.metrics.MetricsFlavor} (choose the server, create the
 * engine's metrics with its buckets, content type) and
 * {@link io.infergate.simulator.metrics.MetricsRenderer#render} (the response body). Each flavor's class says
 * where its names come from and how engine values map onto them.
 */
package io.infergate.simulator.metrics;
