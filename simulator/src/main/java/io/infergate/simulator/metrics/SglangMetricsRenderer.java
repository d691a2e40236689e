package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.Observation;

/**
 * SGLang's {@code /metrics} ({@code --enable-metrics}): names, HELP texts, order and buckets of the scrape in
 * SGLang's {@code docs/references/production_metrics.md} (sgl-project/sglang; test resource metrics/sglang.txt),
 * which {@code SchedulerMetricsCollector} and {@code TokenizerMetricsCollector} expose through
 * {@code prometheus_client}'s multiprocess collector. Every series has the {@code model_name} label only (newer
 * releases add shard labels such as {@code tp_rank}; readers sum over them).
 *
 * <p>Mapping from the engine: {@code token_usage} is the KV usage fraction; {@code num_used_tokens} the tokens
 * in referenced KV blocks; {@code cache_hit_rate} the prefix-cache hit fraction since start (SGLang reports a
 * recent window); {@code time_per_output_token_seconds} is the per-token gap, as in SGLang releases before
 * {@code inter_token_latency_seconds}.
 *
 * <p>{@code sglang:cache_config_info{page_size,num_pages}} is the family GIE/llm-d read for the KV geometry
 * (§2.2). We report the engine's block as the page (SGLang's default page is one token, but the simulated
 * engine caches prefixes per block) and {@code num_pages} as the usable blocks. Its HELP text is ours: no
 * scrape of it was available.
 *
 * <p>Threading: stateless, any thread.
 */
final class SglangMetricsRenderer implements FlavorRenderer {

    @Override
    public TextDialect dialect() {
        return TextDialect.PYTHON_MULTIPROCESS;
    }

    @Override
    public void render(EngineMetrics m, MetricsOptions options, PrometheusTextWriter out) {
        EngineConfig c = m.config();
        Labels base = Labels.of("model_name", c.servedModelName());
        long queries = m.prefixCacheQueries();

        out.counter("sglang:prompt_tokens", "Number of prefill tokens processed.", base, m.promptTokens());
        out.counter("sglang:generation_tokens", "Number of generation tokens processed.", base, m.generationTokens());
        out.gauge("sglang:token_usage", "The token usage", base, m.kvCacheUsage());
        out.gauge(
                "sglang:cache_hit_rate",
                "The cache hit rate",
                base,
                queries == 0 ? 0 : (double) m.prefixCacheHits() / queries);
        out.histogram(
                "sglang:time_to_first_token_seconds",
                "Histogram of time to first token in seconds.",
                base,
                m.histogram(Observation.TIME_TO_FIRST_TOKEN));
        out.histogram(
                "sglang:e2e_request_latency_seconds",
                "Histogram of End-to-end request latency in seconds",
                base,
                m.histogram(Observation.E2E_LATENCY));
        out.histogram(
                "sglang:time_per_output_token_seconds",
                "Histogram of time per output token in seconds.",
                base,
                m.histogram(Observation.INTER_TOKEN_LATENCY));
        out.gauge("sglang:num_running_reqs", "The number of running requests", base, m.running());
        out.gauge("sglang:num_used_tokens", "The number of used tokens", base, m.usedBlocks() * (double) c.blockSize());
        out.gauge("sglang:gen_throughput", "The generate throughput (token/s)", base, m.generationThroughput());
        out.gauge("sglang:num_queue_reqs", "The number of requests in the waiting queue", base, m.waiting());
        out.gauge(
                "sglang:cache_config_info",
                "Information of the KV cache configuration",
                base.and("page_size", Integer.toString(c.blockSize()))
                        .and("num_pages", Integer.toString(c.numGpuBlocks() - 1)),
                1);
    }
}
