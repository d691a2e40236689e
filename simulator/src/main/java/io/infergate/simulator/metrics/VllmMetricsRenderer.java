package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * vLLM V1's {@code /metrics}: names, HELP texts, types and label shapes of {@code PrometheusStatLogger} in
 * {@code vllm/v1/metrics/loggers.py} (vllm-project/vllm ≈v0.10–0.11, and {@code docs/design/metrics.md}), exposed
 * through Python
 * {@code prometheus_client} in the API-server process.
 *
 * <ul>
 *   <li>Every family carries {@code model_name} and, unless {@link MetricsOptions#engineLabel()} is null,
 *       {@code engine}; {@code vllm:cache_config_info} has {@code engine} but no {@code model_name};
 *       {@code vllm:lora_requests_info} has only its three labels.</li>
 *   <li>{@code vllm:lora_requests_info} exists only with LoRA enabled; it has one series per label set ever
 *       seen, valued at the Unix time of its last update, so readers take the largest value.</li>
 *   <li>Not exposed, because the engine does not model them: {@code request_params_n},
 *       {@code request_max_num_generation_tokens}, {@code prompt_tokens_by_source}/{@code _cached},
 *       {@code request_prefill_kv_computed_tokens}, speculative decoding, {@code engine_sleep_state}, and the
 *       {@code http_*} metrics of prometheus-fastapi-instrumentator. {@code vllm:time_per_output_token_seconds}
 *       is left out as vLLM 0.11 hides it; {@code vllm:request_time_per_output_token_seconds} and
 *       {@code vllm:inter_token_latency_seconds} replace it.</li>
 * </ul>
 *
 * <p>Threading: stateless, any thread.
 */
final class VllmMetricsRenderer implements FlavorRenderer {

    private static final String WAITING_BY_REASON_HELP = "Number of waiting requests by reason. "
            + "Reason labels: 'capacity' = waiting for scheduling capacity; "
            + "'deferred' = deferred by transient constraints (LoRA budget, KV transfer, blocked status). "
            + "Sum of all reasons equals vllm:num_requests_waiting.";

    @Override
    public TextDialect dialect() {
        return TextDialect.PYTHON;
    }

    @Override
    public void render(EngineMetrics m, MetricsOptions options, PrometheusTextWriter out) {
        EngineConfig c = m.config();
        Labels base = Labels.of("model_name", c.servedModelName()).andIfPresent("engine", options.engineLabel());

        out.gauge("vllm:num_requests_running", "Number of requests in model execution batches.", base, m.running());
        out.gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", base, m.waiting());
        out.gauge(
                "vllm:num_requests_waiting_by_reason",
                WAITING_BY_REASON_HELP,
                List.of(
                        new PrometheusTextWriter.Sample(base.and("reason", "capacity"), m.waitingCapacity()),
                        new PrometheusTextWriter.Sample(base.and("reason", "deferred"), m.waitingDeferred())));
        if (options.legacyVllmKvName()) {
            // The deprecated names and their HELP texts as 0.9 printed them, missing spaces included.
            out.gauge(
                    "vllm:gpu_cache_usage_perc",
                    "GPU KV-cache usage. 1 means 100 percent usage."
                            + "DEPRECATED: Use vllm:kv_cache_usage_perc instead.",
                    base,
                    m.kvCacheUsage());
            out.counter(
                    "vllm:gpu_prefix_cache_queries",
                    "GPU prefix cache queries, in terms of number of queried"
                            + "tokens. DEPRECATED: Use vllm:prefix_cache_queries instead.",
                    base,
                    m.prefixCacheQueries());
            out.counter(
                    "vllm:gpu_prefix_cache_hits",
                    "GPU prefix cache hits, in terms of number of cached "
                            + "tokens. DEPRECATED: Use vllm:prefix_cache_hits instead.",
                    base,
                    m.prefixCacheHits());
        }
        out.gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", base, m.kvCacheUsage());
        out.counter(
                "vllm:prefix_cache_queries",
                "Prefix cache queries, in terms of number of queried tokens.",
                base,
                m.prefixCacheQueries());
        out.counter(
                "vllm:prefix_cache_hits",
                "Prefix cache hits, in terms of number of cached tokens.",
                base,
                m.prefixCacheHits());
        out.counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", base, m.preemptions());
        out.counter("vllm:prompt_tokens", "Number of prefill tokens processed.", base, m.promptTokens());
        out.counter("vllm:generation_tokens", "Number of generation tokens processed.", base, m.generationTokens());
        List<PrometheusTextWriter.Sample> success = new ArrayList<>();
        for (FinishReason r : FinishReason.values()) {
            success.add(new PrometheusTextWriter.Sample(base.and("finished_reason", r.label()), m.finished(r)));
        }
        out.counter("vllm:request_success", "Count of successfully processed requests.", success);

        histogram(
                out,
                m,
                base,
                "vllm:request_prompt_tokens",
                "Number of prefill tokens processed.",
                Observation.PROMPT_TOKENS);
        histogram(
                out,
                m,
                base,
                "vllm:request_generation_tokens",
                "Number of generation tokens processed.",
                Observation.GENERATION_TOKENS);
        histogram(
                out,
                m,
                base,
                "vllm:iteration_tokens_total",
                "Histogram of number of tokens per engine_step.",
                Observation.ITERATION_TOKENS);
        histogram(
                out,
                m,
                base,
                "vllm:request_params_max_tokens",
                "Histogram of the max_tokens request parameter.",
                Observation.MAX_TOKENS_PARAM);
        histogram(
                out,
                m,
                base,
                "vllm:time_to_first_token_seconds",
                "Histogram of time to first token in seconds.",
                Observation.TIME_TO_FIRST_TOKEN);
        histogram(
                out,
                m,
                base,
                "vllm:inter_token_latency_seconds",
                "Histogram of inter-token latency in seconds.",
                Observation.INTER_TOKEN_LATENCY);
        histogram(
                out,
                m,
                base,
                "vllm:request_time_per_output_token_seconds",
                "Histogram of time_per_output_token_seconds per request.",
                Observation.REQUEST_TIME_PER_OUTPUT_TOKEN);
        histogram(
                out,
                m,
                base,
                "vllm:e2e_request_latency_seconds",
                "Histogram of e2e request latency in seconds.",
                Observation.E2E_LATENCY);
        histogram(
                out,
                m,
                base,
                "vllm:request_queue_time_seconds",
                "Histogram of time spent in WAITING phase for request.",
                Observation.QUEUE_TIME);
        histogram(
                out,
                m,
                base,
                "vllm:request_inference_time_seconds",
                "Histogram of time spent in RUNNING phase for request.",
                Observation.INFERENCE_TIME);
        histogram(
                out,
                m,
                base,
                "vllm:request_prefill_time_seconds",
                "Histogram of time spent in PREFILL phase for request.",
                Observation.PREFILL_TIME);
        histogram(
                out,
                m,
                base,
                "vllm:request_decode_time_seconds",
                "Histogram of time spent in DECODE phase for request.",
                Observation.DECODE_TIME);
        // Newer than the sources we could read; this HELP text is ours, the name and meaning are vLLM's.
        histogram(
                out,
                m,
                base,
                "vllm:request_num_preemptions",
                "Histogram of number of preemptions per request.",
                Observation.PREEMPTIONS_PER_REQUEST);

        if (c.enableLora()) {
            loraInfo(out, m);
        }
        out.gauge(
                "vllm:cache_config_info",
                "Information of the LLMEngine CacheConfig",
                cacheConfigLabels(c, options.engineLabel()),
                1);
    }

    private static void histogram(
            PrometheusTextWriter out, EngineMetrics m, Labels base, String name, String help, Observation o) {
        out.histogram(name, help, base, m.histogram(o));
    }

    private static void loraInfo(PrometheusTextWriter out, EngineMetrics m) {
        List<PrometheusTextWriter.Sample> series = new ArrayList<>();
        for (Map.Entry<EngineMetrics.LoraInfoKey, Double> e : m.loraInfoSeries()) {
            EngineMetrics.LoraInfoKey k = e.getKey();
            series.add(new PrometheusTextWriter.Sample(
                    Labels.of("max_lora", Integer.toString(k.maxLora()))
                            .and("waiting_lora_adapters", k.waitingAdapters())
                            .and("running_lora_adapters", k.runningAdapters()),
                    e.getValue()));
        }
        out.gauge("vllm:lora_requests_info", "Running stats on lora requests.", series);
    }

    /**
     * {@code CacheConfig.metrics_info()}: {@code str(value)} of every field (≈v0.10), so booleans are
     * {@code True}/{@code False}, absent values {@code None} and floats Python reprs. V1 allocates no CPU
     * blocks, hence {@code num_cpu_blocks="0"}.
     */
    static Labels cacheConfigLabels(EngineConfig c, String engine) {
        return Labels.of("block_size", Integer.toString(c.blockSize()))
                .and("gpu_memory_utilization", NumberFormats.pythonRepr(c.gpuMemoryUtilization()))
                .and("swap_space", "4")
                .and("cache_dtype", "auto")
                .and("is_attention_free", "False")
                .and("num_gpu_blocks_override", "None")
                .and("sliding_window", "None")
                .and("enable_prefix_caching", c.enablePrefixCaching() ? "True" : "False")
                .and("prefix_caching_hash_algo", "sha256")
                .and("cpu_offload_gb", "0")
                .and("calculate_kv_scales", "False")
                .and("cpu_kvcache_space_bytes", "None")
                .and("mamba_page_size_padded", "None")
                .and("mamba_cache_dtype", "auto")
                .and("mamba_ssm_cache_dtype", "auto")
                .and("kv_sharing_fast_prefill", "False")
                .and("kv_cache_memory_bytes", "None")
                .and("num_gpu_blocks", Integer.toString(c.numGpuBlocks()))
                .and("num_cpu_blocks", "0")
                .and("swap_space_bytes", Long.toString(4L << 30))
                .andIfPresent("engine", engine);
    }
}
