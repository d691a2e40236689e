package io.infergate.simulator.metrics;

import static io.infergate.simulator.metrics.ScrapeAssertions.assertHistogram;
import static io.infergate.simulator.metrics.ScrapeAssertions.assertValue;
import static io.infergate.simulator.metrics.ScrapeAssertions.labels;
import static io.infergate.simulator.metrics.ScrapeAssertions.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.Observation;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import io.infergate.simulator.metrics.PrometheusTextParser.Sample;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Test support: what each flavor's parsed scrape must say about an {@link EngineMetrics}, value by value.
 * Shared by the renderer tests (metrics filled directly) and the end-to-end test (metrics filled by an engine).
 */
final class FlavorExpectations {

    private FlavorExpectations() {}

    /** Parses {@code text} as {@code flavor}'s scrape and checks it against {@code m}. */
    static Exposition assertScrape(MetricsFlavor flavor, String text, EngineMetrics m, MetricsOptions o) {
        Exposition e = flavor == MetricsFlavor.TGI
                ? ScrapeAssertions.parseWellFormed(text, "tgi_batch_max_total_tokens")
                : ScrapeAssertions.parseWellFormed(text);
        switch (flavor) {
            case VLLM -> vllm(e, m, o);
            case SGLANG -> sglang(e, m);
            case TRTLLM -> trtllm(e, m);
            case TRITON -> triton(e, m, o);
            case TGI -> tgi(e, m);
        }
        if (!o.emitCreated() || flavor != MetricsFlavor.VLLM && flavor != MetricsFlavor.TRTLLM) {
            assertThat(e.families()).noneMatch(f -> f.name().endsWith("_created"));
        }
        return e;
    }

    static void vllm(Exposition e, EngineMetrics m, MetricsOptions o) {
        EngineConfig c = m.config();
        Map<String, String> base = labels("model_name", c.servedModelName());
        if (o.engineLabel() != null) {
            base.put("engine", o.engineLabel());
        }
        assertValue(e, "vllm:num_requests_running", base, m.running());
        assertValue(e, "vllm:num_requests_waiting", base, m.waiting());
        assertValue(e, "vllm:num_requests_waiting_by_reason", with(base, "reason", "capacity"), m.waitingCapacity());
        assertValue(e, "vllm:num_requests_waiting_by_reason", with(base, "reason", "deferred"), m.waitingDeferred());
        assertValue(e, "vllm:kv_cache_usage_perc", base, m.kvCacheUsage());
        assertValue(e, "vllm:prefix_cache_queries_total", base, m.prefixCacheQueries());
        assertValue(e, "vllm:prefix_cache_hits_total", base, m.prefixCacheHits());
        assertValue(e, "vllm:num_preemptions_total", base, m.preemptions());
        assertValue(e, "vllm:prompt_tokens_total", base, m.promptTokens());
        assertValue(e, "vllm:generation_tokens_total", base, m.generationTokens());
        for (FinishReason r : FinishReason.values()) {
            assertValue(e, "vllm:request_success_total", with(base, "finished_reason", r.label()), m.finished(r));
        }
        Map<String, Observation> histograms = Map.ofEntries(
                Map.entry("vllm:request_prompt_tokens", Observation.PROMPT_TOKENS),
                Map.entry("vllm:request_generation_tokens", Observation.GENERATION_TOKENS),
                Map.entry("vllm:iteration_tokens_total", Observation.ITERATION_TOKENS),
                Map.entry("vllm:request_params_max_tokens", Observation.MAX_TOKENS_PARAM),
                Map.entry("vllm:time_to_first_token_seconds", Observation.TIME_TO_FIRST_TOKEN),
                Map.entry("vllm:inter_token_latency_seconds", Observation.INTER_TOKEN_LATENCY),
                Map.entry("vllm:request_time_per_output_token_seconds", Observation.REQUEST_TIME_PER_OUTPUT_TOKEN),
                Map.entry("vllm:e2e_request_latency_seconds", Observation.E2E_LATENCY),
                Map.entry("vllm:request_queue_time_seconds", Observation.QUEUE_TIME),
                Map.entry("vllm:request_inference_time_seconds", Observation.INFERENCE_TIME),
                Map.entry("vllm:request_prefill_time_seconds", Observation.PREFILL_TIME),
                Map.entry("vllm:request_decode_time_seconds", Observation.DECODE_TIME),
                Map.entry("vllm:request_num_preemptions", Observation.PREEMPTIONS_PER_REQUEST));
        histograms.forEach((name, obs) -> assertHistogram(e, name, base, m.histogram(obs)));

        Set<String> expected = new HashSet<>(histograms.keySet());
        expected.addAll(List.of(
                "vllm:num_requests_running",
                "vllm:num_requests_waiting",
                "vllm:num_requests_waiting_by_reason",
                "vllm:kv_cache_usage_perc",
                "vllm:prefix_cache_queries_total",
                "vllm:prefix_cache_hits_total",
                "vllm:num_preemptions_total",
                "vllm:prompt_tokens_total",
                "vllm:generation_tokens_total",
                "vllm:request_success_total",
                "vllm:cache_config_info"));
        if (o.legacyVllmKvName()) {
            expected.addAll(List.of(
                    "vllm:gpu_cache_usage_perc",
                    "vllm:gpu_prefix_cache_queries_total",
                    "vllm:gpu_prefix_cache_hits_total"));
            assertValue(e, "vllm:gpu_cache_usage_perc", base, m.kvCacheUsage());
            assertValue(e, "vllm:gpu_prefix_cache_queries_total", base, m.prefixCacheQueries());
            assertValue(e, "vllm:gpu_prefix_cache_hits_total", base, m.prefixCacheHits());
        }
        if (c.enableLora()) {
            expected.add("vllm:lora_requests_info");
            assertLoraInfo(e, m);
        }
        assertCacheConfigInfo(e, c, o);
        if (o.emitCreated()) {
            assertCreated(e, o.createdUnixSeconds());
            expected.addAll(e.families().stream()
                    .map(Family::name)
                    .filter(n -> n.endsWith("_created"))
                    .toList());
        }
        assertThat(familyNames(e)).isEqualTo(expected);
    }

    private static void assertLoraInfo(Exposition e, EngineMetrics m) {
        List<Map.Entry<EngineMetrics.LoraInfoKey, Double>> series = m.loraInfoSeries();
        List<Sample> samples = e.family("vllm:lora_requests_info").samples();
        assertThat(samples).hasSize(series.size());
        for (Map.Entry<EngineMetrics.LoraInfoKey, Double> s : series) {
            EngineMetrics.LoraInfoKey k = s.getKey();
            assertValue(
                    e,
                    "vllm:lora_requests_info",
                    labels(
                            "max_lora",
                            Integer.toString(k.maxLora()),
                            "running_lora_adapters",
                            k.runningAdapters(),
                            "waiting_lora_adapters",
                            k.waitingAdapters()),
                    s.getValue());
        }
        // GIE takes the series with the largest value: it must be the engine's latest update.
        Sample latest = samples.stream()
                .max((a, b) -> Double.compare(a.value(), b.value()))
                .orElseThrow();
        EngineMetrics.LoraInfoKey newest = series.get(series.size() - 1).getKey();
        assertThat(latest.labels())
                .containsEntry("running_lora_adapters", newest.runningAdapters())
                .containsEntry("waiting_lora_adapters", newest.waitingAdapters());
    }

    private static void assertCacheConfigInfo(Exposition e, EngineConfig c, MetricsOptions o) {
        Sample info = e.family("vllm:cache_config_info").samples().get(0);
        assertThat(e.family("vllm:cache_config_info").samples()).hasSize(1);
        assertThat(info.value()).isEqualTo(1.0);
        assertThat(info.labels())
                .doesNotContainKey("model_name")
                .containsEntry("block_size", Integer.toString(c.blockSize()))
                .containsEntry("num_gpu_blocks", Integer.toString(c.numGpuBlocks()))
                .containsEntry("enable_prefix_caching", c.enablePrefixCaching() ? "True" : "False")
                .containsEntry("cache_dtype", "auto")
                .containsEntry("num_cpu_blocks", "0")
                .containsEntry("num_gpu_blocks_override", "None")
                .containsEntry("cpu_offload_gb", "0")
                .containsEntry("calculate_kv_scales", "False")
                .containsEntry("sliding_window", "None")
                .containsKeys("prefix_caching_hash_algo", "swap_space_bytes");
        assertThat(Double.parseDouble(info.labels().get("gpu_memory_utilization")))
                .isEqualTo(c.gpuMemoryUtilization());
        if (o.engineLabel() == null) {
            assertThat(info.labels()).doesNotContainKey("engine");
        } else {
            assertThat(info.labels()).containsEntry("engine", o.engineLabel());
        }
    }

    private static void assertCreated(Exposition e, double createdUnixSeconds) {
        for (Family f : e.families()) {
            if (f.type().equals("counter") || f.type().equals("histogram")) {
                String base = f.type().equals("counter")
                        ? f.name().substring(0, f.name().length() - "_total".length())
                        : f.name();
                Family created = e.family(base + "_created");
                assertThat(created.type()).isEqualTo("gauge");
                assertThat(created.help()).isEqualTo(f.help());
                Set<Map<String, String>> seriesOfMetric =
                        f.samples().stream().map(s -> withoutLe(s.labels())).collect(Collectors.toSet());
                assertThat(created.samples().stream().map(Sample::labels).collect(Collectors.toSet()))
                        .isEqualTo(seriesOfMetric);
                assertThat(created.samples())
                        .allSatisfy(s -> assertThat(s.value()).isEqualTo(createdUnixSeconds));
            }
        }
    }

    static void sglang(Exposition e, EngineMetrics m) {
        EngineConfig c = m.config();
        Map<String, String> base = labels("model_name", c.servedModelName());
        assertValue(e, "sglang:prompt_tokens_total", base, m.promptTokens());
        assertValue(e, "sglang:generation_tokens_total", base, m.generationTokens());
        assertValue(e, "sglang:token_usage", base, m.kvCacheUsage());
        assertValue(e, "sglang:cache_hit_rate", base, hitRate(m));
        assertHistogram(e, "sglang:time_to_first_token_seconds", base, m.histogram(Observation.TIME_TO_FIRST_TOKEN));
        assertHistogram(e, "sglang:e2e_request_latency_seconds", base, m.histogram(Observation.E2E_LATENCY));
        assertHistogram(e, "sglang:time_per_output_token_seconds", base, m.histogram(Observation.INTER_TOKEN_LATENCY));
        assertValue(e, "sglang:num_running_reqs", base, m.running());
        assertValue(e, "sglang:num_used_tokens", base, (double) m.usedBlocks() * c.blockSize());
        assertValue(e, "sglang:gen_throughput", base, m.generationThroughput());
        assertValue(e, "sglang:num_queue_reqs", base, m.waiting());
        assertValue(
                e,
                "sglang:cache_config_info",
                with(
                        with(base, "page_size", Integer.toString(c.blockSize())),
                        "num_pages",
                        Integer.toString(c.numGpuBlocks() - 1)),
                1);
        assertThat(familyNames(e))
                .containsExactlyInAnyOrder(
                        "sglang:prompt_tokens_total",
                        "sglang:generation_tokens_total",
                        "sglang:token_usage",
                        "sglang:cache_hit_rate",
                        "sglang:time_to_first_token_seconds",
                        "sglang:e2e_request_latency_seconds",
                        "sglang:time_per_output_token_seconds",
                        "sglang:num_running_reqs",
                        "sglang:num_used_tokens",
                        "sglang:gen_throughput",
                        "sglang:num_queue_reqs",
                        "sglang:cache_config_info");
    }

    static void trtllm(Exposition e, EngineMetrics m) {
        EngineConfig c = m.config();
        Map<String, String> base = labels("model_name", c.servedModelName(), "engine_type", "trtllm");
        long maxBlocks = c.numGpuBlocks() - 1L;
        for (FinishReason r : FinishReason.values()) {
            assertValue(e, "trtllm_request_success_total", with(base, "finished_reason", r.label()), m.finished(r));
        }
        assertHistogram(e, "trtllm_e2e_request_latency_seconds", base, m.histogram(Observation.E2E_LATENCY));
        assertHistogram(e, "trtllm_time_to_first_token_seconds", base, m.histogram(Observation.TIME_TO_FIRST_TOKEN));
        assertHistogram(
                e,
                "trtllm_time_per_output_token_seconds",
                base,
                m.histogram(Observation.REQUEST_TIME_PER_OUTPUT_TOKEN));
        assertHistogram(e, "trtllm_request_queue_time_seconds", base, m.histogram(Observation.QUEUE_TIME));
        assertHistogram(e, "trtllm_request_prefill_time_seconds", base, m.histogram(Observation.PREFILL_TIME));
        assertHistogram(e, "trtllm_request_decode_time_seconds", base, m.histogram(Observation.DECODE_TIME));
        assertHistogram(e, "trtllm_request_inference_time_seconds", base, m.histogram(Observation.INFERENCE_TIME));
        assertValue(e, "trtllm_prompt_tokens_total", base, m.promptTokens());
        assertValue(e, "trtllm_generation_tokens_total", base, m.generationTokens());
        assertValue(e, "trtllm_kv_cache_hit_rate", base, hitRate(m));
        assertValue(e, "trtllm_kv_cache_utilization", base, m.kvCacheUsage());
        assertValue(e, "trtllm_num_requests_running", base, m.running());
        assertValue(e, "trtllm_num_requests_waiting", base, m.waiting());
        assertValue(e, "trtllm_num_requests_completed_total", base, finished(m));
        assertValue(e, "trtllm_max_num_active_requests", base, c.maxNumSeqs());
        assertValue(e, "trtllm_kv_cache_max_blocks", base, maxBlocks);
        assertValue(e, "trtllm_kv_cache_free_blocks", base, maxBlocks - m.usedBlocks());
        assertValue(e, "trtllm_kv_cache_used_blocks", base, m.usedBlocks());
        assertValue(e, "trtllm_kv_cache_tokens_per_block", base, c.blockSize());
    }

    static void triton(Exposition e, EngineMetrics m, MetricsOptions o) {
        EngineConfig c = m.config();
        Map<String, String> model = labels("model", "tensorrt_llm", "version", "1");
        long maxBlocks = c.numGpuBlocks() - 1L;
        String requests = "nv_trt_llm_request_metrics";
        assertValue(e, requests, with(model, "request_type", "waiting"), m.waiting());
        assertValue(e, requests, with(model, "request_type", "scheduled"), m.running());
        assertValue(e, requests, with(model, "request_type", "active"), m.running());
        assertValue(e, requests, with(model, "request_type", "max"), c.maxNumSeqs());
        int context = Math.min(m.lastStepPrefillRequests(), m.running());
        assertValue(e, requests, with(model, "request_type", "context"), context);
        String kv = "nv_trt_llm_kv_cache_block_metrics";
        assertValue(e, kv, with(model, "kv_cache_block_type", "fraction"), m.kvCacheUsage());
        assertValue(e, kv, with(model, "kv_cache_block_type", "tokens_per"), c.blockSize());
        assertValue(e, kv, with(model, "kv_cache_block_type", "used"), m.usedBlocks());
        assertValue(e, kv, with(model, "kv_cache_block_type", "free"), maxBlocks - m.usedBlocks());
        assertValue(e, kv, with(model, "kv_cache_block_type", "max"), maxBlocks);
        assertValue(e, "nv_trt_llm_general_metrics", with(model, "general_type", "iteration_counter"), m.steps());
        assertValue(
                e,
                "nv_trt_llm_general_metrics",
                with(model, "general_type", "timestamp"),
                Math.floor(m.lastStepUnixSeconds()));
        assertValue(
                e,
                "nv_trt_llm_inflight_batcher_metrics",
                with(model, "inflight_batcher_specific_metric", "generation_requests"),
                m.running() - context);
        assertValue(
                e,
                "nv_trt_llm_inflight_batcher_metrics",
                with(model, "inflight_batcher_specific_metric", "total_context_tokens"),
                m.lastStepPrefillTokens());
        long aborted = m.finished(FinishReason.ABORT);
        assertValue(e, "nv_inference_request_success", model, finished(m) - aborted);
        assertValue(e, "nv_inference_request_failure", model, aborted);
        assertValue(e, "nv_inference_count", model, finished(m));
        assertValue(e, "nv_inference_exec_count", model, finished(m));
        assertValue(
                e,
                "nv_inference_request_duration_us",
                model,
                Math.round(m.histogram(Observation.E2E_LATENCY).sum() * 1e6));
        assertValue(
                e,
                "nv_inference_queue_duration_us",
                model,
                Math.round(m.histogram(Observation.QUEUE_TIME).sum() * 1e6));
        assertValue(
                e,
                "nv_inference_compute_infer_duration_us",
                model,
                Math.round(m.histogram(Observation.INFERENCE_TIME).sum() * 1e6));
        assertValue(e, "nv_inference_pending_request_count", model, m.waiting());
    }

    static void tgi(Exposition e, EngineMetrics m) {
        EngineConfig c = m.config();
        Map<String, String> none = Map.of();
        assertValue(e, "tgi_request_count", none, m.requestsReceived());
        assertValue(e, "tgi_request_success", none, m.finished(FinishReason.STOP) + m.finished(FinishReason.LENGTH));
        for (String family : List.of("tgi_batch_inference_count", "tgi_batch_inference_success")) {
            assertValue(e, family, labels("method", "prefill"), m.prefillSteps());
            assertValue(e, family, labels("method", "decode"), m.steps() - m.prefillSteps());
        }
        assertValue(e, "tgi_queue_size", none, m.waiting());
        assertValue(e, "tgi_batch_current_size", none, m.running());
        assertValue(e, "tgi_batch_current_max_tokens", none, (double) m.usedBlocks() * c.blockSize());
        assertValue(e, "tgi_batch_max_total_tokens", none, c.kvCapacityTokens());
        assertHistogram(e, "tgi_request_duration", none, m.histogram(Observation.E2E_LATENCY));
        assertHistogram(e, "tgi_request_queue_duration", none, m.histogram(Observation.QUEUE_TIME));
        assertHistogram(e, "tgi_request_inference_duration", none, m.histogram(Observation.INFERENCE_TIME));
        assertHistogram(
                e,
                "tgi_request_mean_time_per_token_duration",
                none,
                m.histogram(Observation.REQUEST_TIME_PER_OUTPUT_TOKEN));
        assertHistogram(e, "tgi_request_input_length", none, m.histogram(Observation.PROMPT_TOKENS));
        assertHistogram(e, "tgi_request_generated_tokens", none, m.histogram(Observation.GENERATION_TOKENS));
        assertHistogram(e, "tgi_request_max_new_tokens", none, m.histogram(Observation.MAX_TOKENS_PARAM));
        assertThat(familyNames(e)).noneMatch(n -> n.endsWith("_total"));
    }

    private static double hitRate(EngineMetrics m) {
        return m.prefixCacheQueries() == 0 ? 0 : (double) m.prefixCacheHits() / m.prefixCacheQueries();
    }

    private static long finished(EngineMetrics m) {
        long n = 0;
        for (FinishReason r : FinishReason.values()) {
            n += m.finished(r);
        }
        return n;
    }

    private static Set<String> familyNames(Exposition e) {
        return e.families().stream().map(Family::name).collect(Collectors.toSet());
    }

    private static Map<String, String> withoutLe(Map<String, String> labels) {
        return labels.entrySet().stream()
                .filter(en -> !en.getKey().equals("le"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
