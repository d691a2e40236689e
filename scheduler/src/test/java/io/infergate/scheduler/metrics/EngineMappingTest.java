package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineMappingTest {

    /** GIE v1.5.0 factories.go, plus our vLLM KV fallback. */
    @Test
    void builtinsAreGies() {
        EngineMapping vllm = EngineMapping.vllm();
        assertThat(vllm.engine()).isEqualTo("vllm");
        assertThat(vllm.waitingQueue()).isEqualTo(MetricSpec.of("vllm:num_requests_waiting"));
        assertThat(vllm.runningRequests()).isEqualTo(MetricSpec.of("vllm:num_requests_running"));
        assertThat(vllm.kvUsage()).isEqualTo(MetricSpec.of("vllm:kv_cache_usage_perc"));
        assertThat(vllm.kvUsageFallback()).isEqualTo(MetricSpec.of("vllm:gpu_cache_usage_perc"));
        assertThat(vllm.loraInfo()).isEqualTo(MetricSpec.of("vllm:lora_requests_info"));
        assertThat(vllm.cacheInfo()).isEqualTo(MetricSpec.of("vllm:cache_config_info"));
        assertThat(vllm.cacheBlockSizeLabel()).isEqualTo("block_size");
        assertThat(vllm.cacheNumBlocksLabel()).isEqualTo("num_gpu_blocks");
        assertThat(vllm.cacheBlockSize()).isNull();
        assertThat(vllm.cacheNumBlocks()).isNull();

        EngineMapping sglang = EngineMapping.sglang();
        assertThat(sglang.waitingQueue()).isEqualTo(MetricSpec.of("sglang:num_queue_reqs"));
        assertThat(sglang.runningRequests()).isEqualTo(MetricSpec.of("sglang:num_running_reqs"));
        assertThat(sglang.kvUsage()).isEqualTo(MetricSpec.of("sglang:token_usage"));
        assertThat(sglang.loraInfo()).isNull();
        assertThat(sglang.cacheInfo()).isEqualTo(MetricSpec.of("sglang:cache_config_info"));
        assertThat(sglang.cacheBlockSizeLabel()).isEqualTo("page_size");
        assertThat(sglang.cacheNumBlocksLabel()).isEqualTo("num_pages");

        EngineMapping trtllm = EngineMapping.trtllmServe();
        assertThat(trtllm.engine()).isEqualTo("trtllm-serve");
        assertThat(trtllm.families())
                .containsExactly(
                        "trtllm_num_requests_waiting",
                        "trtllm_num_requests_running",
                        "trtllm_kv_cache_utilization",
                        "trtllm_kv_cache_tokens_per_block",
                        "trtllm_kv_cache_max_blocks");
        assertThat(trtllm.cacheInfo()).isNull();

        EngineMapping triton = EngineMapping.tritonTensorRtLlm();
        assertThat(triton.engine()).isEqualTo("triton-tensorrt-llm");
        assertThat(triton.waitingQueue())
                .isEqualTo(new MetricSpec("nv_trt_llm_request_metrics", Map.of("request_type", "waiting")));
        assertThat(triton.runningRequests())
                .isEqualTo(new MetricSpec("nv_trt_llm_request_metrics", Map.of("request_type", "scheduled")));
        assertThat(triton.kvUsage())
                .isEqualTo(
                        new MetricSpec("nv_trt_llm_kv_cache_block_metrics", Map.of("kv_cache_block_type", "fraction")));
        assertThat(triton.cacheBlockSize())
                .isEqualTo(new MetricSpec(
                        "nv_trt_llm_kv_cache_block_metrics", Map.of("kv_cache_block_type", "tokens_per")));
        assertThat(triton.cacheNumBlocks())
                .isEqualTo(new MetricSpec("nv_trt_llm_kv_cache_block_metrics", Map.of("kv_cache_block_type", "max")));
        assertThat(triton.families())
                .containsExactly("nv_trt_llm_request_metrics", "nv_trt_llm_kv_cache_block_metrics");

        EngineMapping tgi = EngineMapping.tgi();
        assertThat(tgi.families()).containsExactly("tgi_queue_size", "tgi_batch_current_size");
        assertThat(tgi.kvUsage()).isNull();

        assertThat(EngineMapping.builtins())
                .extracting(EngineMapping::engine)
                .containsExactly("vllm", "sglang", "trtllm-serve", "triton-tensorrt-llm", "tgi");
    }

    @Test
    void emptySpecsDisableAndLabelNamesDefault() {
        EngineMapping m = EngineMapping.builder("custom")
                .queuedRequestsSpec("")
                .runningRequestsSpec("  ")
                .kvUsageSpec(null)
                .loraSpec("x_info")
                .cacheBlockSizeLabelName("")
                .build();

        assertThat(m.waitingQueue()).isNull();
        assertThat(m.runningRequests()).isNull();
        assertThat(m.kvUsage()).isNull();
        assertThat(m.loraInfo()).isEqualTo(MetricSpec.of("x_info"));
        assertThat(m.cacheBlockSizeLabel()).isEqualTo("block_size");
        assertThat(m.families()).containsExactly("x_info");
        assertThat(EngineMapping.builder("nothing").build().families()).isEmpty();
    }

    @Test
    void badConfigIsRejectedNamingEngineAndField() {
        assertThatThrownBy(
                        () -> EngineMapping.builder("e").kvUsageSpec("kv{a=}").build())
                .isInstanceOf(InvalidMetricSpecException.class)
                .hasMessageStartingWith("engine 'e' kvUsageSpec: metric spec 'kv{a=}': expected a label value");
        assertThatThrownBy(() -> EngineMapping.builder("default").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> EngineMapping.builder(" ").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        EngineMapping.builder("e").kvUsageFallbackSpec("old").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kvUsageFallback");
        assertThatThrownBy(() -> EngineMapping.builder("e")
                        .cacheNumBlocksLabelName("num-pages")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'num-pages'");
    }
}
