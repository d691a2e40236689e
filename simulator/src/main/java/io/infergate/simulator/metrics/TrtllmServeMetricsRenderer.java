package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * trtllm-serve's {@code /prometheus/metrics}: the flat {@code trtllm_*} names, HELP texts and buckets of
 * {@code MetricsCollector} in TensorRT-LLM's {@code tensorrt_llm/metrics/collector.py}, exposed through
 * Python {@code prometheus_client}, with its labels {@code model_name} and {@code engine_type="trtllm"}. GIE's
 * {@code trtllm-serve} engine type reads {@code trtllm_num_requests_waiting}, {@code _running},
 * {@code trtllm_kv_cache_utilization}, {@code trtllm_kv_cache_tokens_per_block} and
 * {@code trtllm_kv_cache_max_blocks} (GIE's {@code
 * pkg/epp/framework/plugins/datalayer/extractor/metrics/factories.go}).
 *
 * <p>Mapping from the engine: running = requests in the batch ({@code numActiveRequests}), waiting = queued;
 * the KV block gauges count usable blocks (vLLM's reserved null block excluded); the hit rate is prefix-cache
 * hits over queries since start. Iteration latency, memory and inflight-batching gauges are not exposed: the
 * engine does not report them.
 *
 * <p>Threading: stateless, any thread.
 */
final class TrtllmServeMetricsRenderer implements FlavorRenderer {

    @Override
    public TextDialect dialect() {
        return TextDialect.PYTHON;
    }

    @Override
    public void render(EngineMetrics m, MetricsOptions options, PrometheusTextWriter out) {
        EngineConfig c = m.config();
        Labels base = Labels.of("model_name", c.servedModelName()).and("engine_type", "trtllm");
        long maxBlocks = c.numGpuBlocks() - 1L;
        long queries = m.prefixCacheQueries();

        List<PrometheusTextWriter.Sample> success = new ArrayList<>();
        for (FinishReason r : FinishReason.values()) {
            success.add(new PrometheusTextWriter.Sample(base.and("finished_reason", r.label()), m.finished(r)));
        }
        out.counter("trtllm_request_success", "Count of successfully processed requests.", success);
        out.histogram(
                "trtllm_e2e_request_latency_seconds",
                "Histogram of end to end request latency in seconds.",
                base,
                m.histogram(Observation.E2E_LATENCY));
        out.histogram(
                "trtllm_time_to_first_token_seconds",
                "Histogram of time to first token in seconds.",
                base,
                m.histogram(Observation.TIME_TO_FIRST_TOKEN));
        out.histogram(
                "trtllm_time_per_output_token_seconds",
                "Histogram of time per output token in seconds.",
                base,
                m.histogram(Observation.REQUEST_TIME_PER_OUTPUT_TOKEN));
        out.histogram(
                "trtllm_request_queue_time_seconds",
                "Histogram of time spent in WAITING phase for request.",
                base,
                m.histogram(Observation.QUEUE_TIME));
        out.histogram(
                "trtllm_request_prefill_time_seconds",
                "Histogram of prefill (context) phase duration in "
                        + "seconds (first_token_time - first_scheduled_time).",
                base,
                m.histogram(Observation.PREFILL_TIME));
        out.histogram(
                "trtllm_request_decode_time_seconds",
                "Histogram of decode (generation) phase duration in " + "seconds (last_token_time - first_token_time).",
                base,
                m.histogram(Observation.DECODE_TIME));
        out.histogram(
                "trtllm_request_inference_time_seconds",
                "Histogram of total inference duration in seconds " + "(last_token_time - first_scheduled_time).",
                base,
                m.histogram(Observation.INFERENCE_TIME));
        out.counter(
                "trtllm_prompt_tokens",
                "Cumulative number of prompt (input) tokens processed.",
                base,
                m.promptTokens());
        out.counter(
                "trtllm_generation_tokens",
                "Cumulative number of generation (output) tokens produced.",
                base,
                m.generationTokens());
        out.gauge(
                "trtllm_kv_cache_hit_rate",
                "KV cache hit rate",
                base,
                queries == 0 ? 0 : (double) m.prefixCacheHits() / queries);
        out.gauge("trtllm_kv_cache_utilization", "KV cache utilization", base, m.kvCacheUsage());
        out.gauge("trtllm_num_requests_running", "Number of active requests", base, m.running());
        out.gauge("trtllm_num_requests_waiting", "Number of queued requests", base, m.waiting());
        out.counter(
                "trtllm_num_requests_completed",
                "Total number of completed requests across iterations",
                base,
                finishedTotal(m));
        out.gauge("trtllm_max_num_active_requests", "Maximum number of active requests", base, c.maxNumSeqs());
        out.gauge("trtllm_kv_cache_max_blocks", "Maximum number of KV cache blocks", base, maxBlocks);
        out.gauge(
                "trtllm_kv_cache_free_blocks",
                "Number of free KV cache blocks",
                base,
                Math.max(0, maxBlocks - m.usedBlocks()));
        out.gauge("trtllm_kv_cache_used_blocks", "Number of used KV cache blocks", base, m.usedBlocks());
        out.gauge("trtllm_kv_cache_tokens_per_block", "Number of tokens per KV cache block", base, c.blockSize());
    }

    static long finishedTotal(EngineMetrics m) {
        long n = 0;
        for (FinishReason r : FinishReason.values()) {
            n += m.finished(r);
        }
        return n;
    }
}
