package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.Observation;
import java.util.List;

/**
 * Triton Inference Server with the TensorRT-LLM backend (metrics port 8002): the {@code nv_trt_llm_*}
 * families of the inflight-batching backend and Triton's base {@code nv_inference_*} families, with the names,
 * HELP texts and label shapes of the tensorrtllm_backend README's "Triton Metrics" sample
 * (triton-inference-server/tensorrtllm_backend {@code README.md}; test resource metrics/triton-trtllm.txt), printed by
 * prometheus-cpp. Every series is labelled with the Triton model that runs the engine, {@code model="tensorrt_llm"},
 * and {@code version="1"}; the served model name does not appear, as in a real ensemble deployment.
 *
 * <p>Mapping from the engine. {@code nv_trt_llm_request_metrics}: waiting = queued, scheduled = active =
 * requests in the batch, max = {@code max_num_seqs}, context = requests that ran a prefill chunk in the
 * last step; {@code generation_requests} = the rest of the batch, {@code total_context_tokens} = the last
 * step's prefill tokens. {@code nv_trt_llm_kv_cache_block_metrics}: usable blocks (vLLM's null block excluded),
 * fraction = the engine's usage. {@code nv_trt_llm_general_metrics}: the iteration counter is the engine's step
 * count; the timestamp is when the last step ran (Unix seconds). The runtime-memory family is not exposed. The base
 * counters: success = stop + length, failure = aborted, inference and execution counts = finished requests, and
 * durations in microseconds from the engine's end-to-end, queue and running-time histograms; compute input/output are
 * 0.
 *
 * <p>Threading: stateless, any thread.
 */
final class TritonMetricsRenderer implements FlavorRenderer {

    private static final Labels MODEL = Labels.of("model", "tensorrt_llm").and("version", "1");

    @Override
    public TextDialect dialect() {
        return TextDialect.PROMETHEUS_CPP;
    }

    @Override
    public void render(EngineMetrics m, MetricsOptions options, PrometheusTextWriter out) {
        EngineConfig c = m.config();
        long maxBlocks = c.numGpuBlocks() - 1L;
        int context = Math.min(m.lastStepPrefillRequests(), m.running());

        out.gauge(
                "nv_trt_llm_request_metrics",
                "TRT LLM request metrics",
                List.of(
                        typed("request_type", "waiting", m.waiting()),
                        typed("request_type", "context", context),
                        typed("request_type", "scheduled", m.running()),
                        typed("request_type", "max", c.maxNumSeqs()),
                        typed("request_type", "active", m.running())));
        out.gauge(
                "nv_trt_llm_kv_cache_block_metrics",
                "TRT LLM KV cache block metrics",
                List.of(
                        typed("kv_cache_block_type", "fraction", m.kvCacheUsage()),
                        typed("kv_cache_block_type", "tokens_per", c.blockSize()),
                        typed("kv_cache_block_type", "used", m.usedBlocks()),
                        typed("kv_cache_block_type", "free", Math.max(0, maxBlocks - m.usedBlocks())),
                        typed("kv_cache_block_type", "max", maxBlocks)));
        out.gauge(
                "nv_trt_llm_inflight_batcher_metrics",
                "TRT LLM inflight_batcher-specific metrics",
                List.of(
                        typed("inflight_batcher_specific_metric", "micro_batch_id", 0),
                        typed("inflight_batcher_specific_metric", "generation_requests", m.running() - context),
                        typed("inflight_batcher_specific_metric", "total_context_tokens", m.lastStepPrefillTokens())));
        out.gauge(
                "nv_trt_llm_general_metrics",
                "General TRT LLM metrics",
                List.of(
                        typed("general_type", "iteration_counter", m.steps()),
                        typed("general_type", "timestamp", Math.floor(m.lastStepUnixSeconds()))));
        out.counter(
                "nv_trt_llm_disaggregated_serving_metrics",
                "TRT LLM disaggregated serving metrics",
                List.of(
                        typed("disaggregated_serving_type", "kv_cache_transfer_ms", 0),
                        typed("disaggregated_serving_type", "request_count", 0)));

        long failed = m.finished(FinishReason.ABORT);
        long finished = TrtllmServeMetricsRenderer.finishedTotal(m);
        out.counter(
                "nv_inference_request_success",
                "Number of successful inference requests, all batch sizes",
                MODEL,
                finished - failed);
        out.counter(
                "nv_inference_request_failure", "Number of failed inference requests, all batch sizes", MODEL, failed);
        out.counter(
                "nv_inference_count",
                "Number of inferences performed (does not include cached requests)",
                MODEL,
                finished);
        out.counter(
                "nv_inference_exec_count",
                "Number of model executions performed (does not include cached requests)",
                MODEL,
                finished);
        out.counter(
                "nv_inference_request_duration_us",
                "Cumulative inference request duration in microseconds (includes cached requests)",
                MODEL,
                micros(m, Observation.E2E_LATENCY));
        out.counter(
                "nv_inference_queue_duration_us",
                "Cumulative inference queuing duration in microseconds (includes cached requests)",
                MODEL,
                micros(m, Observation.QUEUE_TIME));
        out.counter(
                "nv_inference_compute_input_duration_us",
                "Cumulative compute input duration in microseconds (does not include cached requests)",
                MODEL,
                0);
        out.counter(
                "nv_inference_compute_infer_duration_us",
                "Cumulative compute inference duration in microseconds (does not include cached requests)",
                MODEL,
                micros(m, Observation.INFERENCE_TIME));
        out.counter(
                "nv_inference_compute_output_duration_us",
                "Cumulative inference compute output duration in microseconds (does not include cached requests)",
                MODEL,
                0);
        out.gauge(
                "nv_inference_pending_request_count",
                "Instantaneous number of pending requests awaiting execution per-model.",
                MODEL,
                m.waiting());
    }

    private static PrometheusTextWriter.Sample typed(String label, String value, double v) {
        return new PrometheusTextWriter.Sample(MODEL.and(label, value), v);
    }

    /** Triton adds whole microseconds per request; the total of the engine's seconds, rounded, is what it shows. */
    static double micros(EngineMetrics m, Observation o) {
        return Math.round(m.histogram(o).sum() * 1e6);
    }
}
