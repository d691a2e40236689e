package io.infergate.scheduler.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where one engine type's scrape holds each value of the Model Server Protocol. A null spec disables that value
 * (it stays unknown and is not reported missing), as an empty spec string does in GIE's
 * {@code core-metrics-extractor} config.
 *
 * <p>The built-in mappings are GIE v1.5.0's ({@code pkg/epp/framework/plugins/datalayer/extractor/metrics/
 * factories.go}), under the same engine names, plus two additions of ours:
 * <ul>
 *   <li>{@link #vllm()}: KV usage falls back to the legacy {@code vllm:gpu_cache_usage_perc} when
 *       {@code vllm:kv_cache_usage_perc} is absent. vLLM deprecated the old name in 0.9 and later hides it;
 *       GIE read it by default up to v1.2.x and switched to the new one in v1.3.0, so old servers keep
 *       working with us without configuration.</li>
 *   <li>{@link #tgi()}: GIE has no TGI mapping. TGI's queue is {@code tgi_queue_size} and its running batch
 *       {@code tgi_batch_current_size}; it exports no KV-usage gauge, no LoRA info and no block geometry, so
 *       those stay unknown. ({@code tgi_batch_current_max_tokens / tgi_batch_max_total_tokens} would be a
 *       reserved-token proxy for KV usage; a ratio is not expressible as a spec and is not used.)</li>
 * </ul>
 *
 * <p>Block geometry comes either from labels of an info series ({@link #cacheInfo()}, label names
 * {@link #cacheBlockSizeLabel()} and {@link #cacheNumBlocksLabel()}, default {@code block_size} and
 * {@code num_gpu_blocks}) or from plain gauges ({@link #cacheBlockSize()}, {@link #cacheNumBlocks()}); a gauge
 * overrides the label when both are configured and found.
 *
 * <p>Immutable and thread-safe. The constructor throws {@link IllegalArgumentException} for a blank or reserved
 * engine name; {@link Builder#build()} also for a bad spec string, naming the config field.
 *
 * @param engine            the engine type, matched exactly against the endpoint's engine-type label
 * @param waitingQueue      queued requests ({@code queuedRequestsSpec})
 * @param runningRequests   requests in the running batch ({@code runningRequestsSpec})
 * @param kvUsage           KV-cache usage fraction ({@code kvUsageSpec})
 * @param kvUsageFallback   ours: read only when {@code kvUsage} matches nothing; requires {@code kvUsage}
 * @param loraInfo          the LoRA info series ({@code loraSpec}): largest value wins, adapters from labels
 * @param cacheInfo         an info series carrying the block geometry as labels ({@code cacheInfoSpec})
 * @param cacheBlockSizeLabel label of {@code cacheInfo} holding tokens per block ({@code cacheBlockSizeLabelName})
 * @param cacheNumBlocksLabel label of {@code cacheInfo} holding the block count ({@code cacheNumBlocksLabelName})
 * @param cacheBlockSize    a gauge of tokens per block ({@code cacheBlockSizeSpec})
 * @param cacheNumBlocks    a gauge of the block count ({@code cacheNumBlocksSpec})
 */
public record EngineMapping(
        String engine,
        MetricSpec waitingQueue,
        MetricSpec runningRequests,
        MetricSpec kvUsage,
        MetricSpec kvUsageFallback,
        MetricSpec loraInfo,
        MetricSpec cacheInfo,
        String cacheBlockSizeLabel,
        String cacheNumBlocksLabel,
        MetricSpec cacheBlockSize,
        MetricSpec cacheNumBlocks) {

    /** The endpoint label that names the engine type. */
    public static final String ENGINE_TYPE_LABEL = "inference.networking.k8s.io/engine-type";
    /** GIE's reserved engine name for "the default mapping"; not allowed as a mapping's own name. */
    public static final String RESERVED_DEFAULT = "default";

    public static final String VLLM = "vllm";
    public static final String SGLANG = "sglang";
    public static final String TRTLLM_SERVE = "trtllm-serve";
    public static final String TRITON_TENSORRT_LLM = "triton-tensorrt-llm";
    public static final String TGI = "tgi";

    /** vLLM's info label with tokens per block, the default {@link #cacheBlockSizeLabel()}. */
    public static final String DEFAULT_BLOCK_SIZE_LABEL = "block_size";
    /** vLLM's info label with the GPU block count, the default {@link #cacheNumBlocksLabel()}. */
    public static final String DEFAULT_NUM_BLOCKS_LABEL = "num_gpu_blocks";

    public EngineMapping {
        if (engine == null || engine.isBlank()) {
            throw new IllegalArgumentException("engine: blank (expected: an engine type such as vllm)");
        }
        if (engine.equals(RESERVED_DEFAULT)) {
            throw new IllegalArgumentException(
                    "engine: '" + engine + "' (expected: any name but the reserved " + RESERVED_DEFAULT + ")");
        }
        if (kvUsageFallback != null && kvUsage == null) {
            throw new IllegalArgumentException("engine '" + engine + "' kvUsageFallback: " + kvUsageFallback
                    + " (expected: no fallback while kvUsage is disabled)");
        }
        cacheBlockSizeLabel = cacheBlockSizeLabel == null || cacheBlockSizeLabel.isBlank()
                ? DEFAULT_BLOCK_SIZE_LABEL
                : cacheBlockSizeLabel;
        cacheNumBlocksLabel = cacheNumBlocksLabel == null || cacheNumBlocksLabel.isBlank()
                ? DEFAULT_NUM_BLOCKS_LABEL
                : cacheNumBlocksLabel;
    }

    /** vLLM, the default engine: {@code vllm:*} gauges, LoRA info, {@code vllm:cache_config_info} labels. */
    public static EngineMapping vllm() {
        return builder(VLLM)
                .queuedRequestsSpec("vllm:num_requests_waiting")
                .runningRequestsSpec("vllm:num_requests_running")
                .kvUsageSpec("vllm:kv_cache_usage_perc")
                .kvUsageFallbackSpec("vllm:gpu_cache_usage_perc")
                .loraSpec("vllm:lora_requests_info")
                .cacheInfoSpec("vllm:cache_config_info")
                .build();
    }

    /** SGLang: {@code sglang:*} gauges, {@code sglang:cache_config_info} labels {@code page_size}, {@code num_pages}. */
    public static EngineMapping sglang() {
        return builder(SGLANG)
                .queuedRequestsSpec("sglang:num_queue_reqs")
                .runningRequestsSpec("sglang:num_running_reqs")
                .kvUsageSpec("sglang:token_usage")
                .cacheInfoSpec("sglang:cache_config_info")
                .cacheBlockSizeLabelName("page_size")
                .cacheNumBlocksLabelName("num_pages")
                .build();
    }

    /** TensorRT-LLM's OpenAI server: flat {@code trtllm_*} gauges, block geometry as gauge values. */
    public static EngineMapping trtllmServe() {
        return builder(TRTLLM_SERVE)
                .queuedRequestsSpec("trtllm_num_requests_waiting")
                .runningRequestsSpec("trtllm_num_requests_running")
                .kvUsageSpec("trtllm_kv_cache_utilization")
                .cacheBlockSizeSpec("trtllm_kv_cache_tokens_per_block")
                .cacheNumBlocksSpec("trtllm_kv_cache_max_blocks")
                .build();
    }

    /** Triton with the TensorRT-LLM backend: {@code nv_trt_llm_*} gauges selected by their type label. */
    public static EngineMapping tritonTensorRtLlm() {
        return builder(TRITON_TENSORRT_LLM)
                .queuedRequestsSpec("nv_trt_llm_request_metrics{request_type=waiting}")
                .runningRequestsSpec("nv_trt_llm_request_metrics{request_type=scheduled}")
                .kvUsageSpec("nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=fraction}")
                .cacheBlockSizeSpec("nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=tokens_per}")
                .cacheNumBlocksSpec("nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=max}")
                .build();
    }

    /** Hugging Face TGI (ours; see the class comment): queue and batch size only. */
    public static EngineMapping tgi() {
        return builder(TGI)
                .queuedRequestsSpec("tgi_queue_size")
                .runningRequestsSpec("tgi_batch_current_size")
                .build();
    }

    /** Every built-in mapping: vllm, sglang, trtllm-serve, triton-tensorrt-llm, tgi. */
    public static List<EngineMapping> builtins() {
        return List.of(vllm(), sglang(), trtllmServe(), tritonTensorRtLlm(), tgi());
    }

    /** A mapping built from config strings; every spec starts disabled. */
    public static Builder builder(String engine) {
        return new Builder(engine);
    }

    /** The distinct metric families the enabled specs read, in a stable order. */
    public List<String> families() {
        Set<String> names = new LinkedHashSet<>();
        for (MetricSpec s : specs()) {
            if (s != null) {
                names.add(s.name());
            }
        }
        return List.copyOf(names);
    }

    /** All eight specs in the slot order of {@link CompiledMapping}; null for disabled ones. */
    List<MetricSpec> specs() {
        List<MetricSpec> all = new ArrayList<>(8);
        all.add(waitingQueue);
        all.add(runningRequests);
        all.add(kvUsage);
        all.add(kvUsageFallback);
        all.add(loraInfo);
        all.add(cacheInfo);
        all.add(cacheBlockSize);
        all.add(cacheNumBlocks);
        return all;
    }

    /**
     * Collects config strings under the names of GIE's {@code engineConfigs} fields. Null or blank disables a
     * spec. Not thread-safe; use on one thread, then share the built mapping.
     */
    public static final class Builder {

        private final String engine;
        private String queued;
        private String running;
        private String kvUsage;
        private String kvUsageFallback;
        private String lora;
        private String cacheInfo;
        private String blockSizeLabel;
        private String numBlocksLabel;
        private String blockSize;
        private String numBlocks;

        private Builder(String engine) {
            this.engine = engine;
        }

        public Builder queuedRequestsSpec(String spec) {
            this.queued = spec;
            return this;
        }

        public Builder runningRequestsSpec(String spec) {
            this.running = spec;
            return this;
        }

        public Builder kvUsageSpec(String spec) {
            this.kvUsage = spec;
            return this;
        }

        /** Ours, not GIE's: a second KV-usage spec read only when {@code kvUsageSpec} matches nothing. */
        public Builder kvUsageFallbackSpec(String spec) {
            this.kvUsageFallback = spec;
            return this;
        }

        public Builder loraSpec(String spec) {
            this.lora = spec;
            return this;
        }

        public Builder cacheInfoSpec(String spec) {
            this.cacheInfo = spec;
            return this;
        }

        public Builder cacheBlockSizeLabelName(String label) {
            this.blockSizeLabel = label;
            return this;
        }

        public Builder cacheNumBlocksLabelName(String label) {
            this.numBlocksLabel = label;
            return this;
        }

        public Builder cacheBlockSizeSpec(String spec) {
            this.blockSize = spec;
            return this;
        }

        public Builder cacheNumBlocksSpec(String spec) {
            this.numBlocks = spec;
            return this;
        }

        /**
         * The mapping.
         *
         * @throws InvalidMetricSpecException naming the engine and config field of a bad spec
         * @throws IllegalArgumentException   for a blank or reserved engine name, a bad label name, or a
         *                                    fallback without a primary KV spec
         */
        public EngineMapping build() {
            for (String label : new String[] {blockSizeLabel, numBlocksLabel}) {
                if (label != null && !label.isBlank() && !label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    throw new IllegalArgumentException("engine '" + engine + "' cache label name: '" + label
                            + "' (expected: [a-zA-Z_][a-zA-Z0-9_]*)");
                }
            }
            return new EngineMapping(
                    engine,
                    spec("queuedRequestsSpec", queued),
                    spec("runningRequestsSpec", running),
                    spec("kvUsageSpec", kvUsage),
                    spec("kvUsageFallbackSpec", kvUsageFallback),
                    spec("loraSpec", lora),
                    spec("cacheInfoSpec", cacheInfo),
                    blockSizeLabel,
                    numBlocksLabel,
                    spec("cacheBlockSizeSpec", blockSize),
                    spec("cacheNumBlocksSpec", numBlocks));
        }

        private MetricSpec spec(String field, String value) {
            try {
                return MetricSpec.parseOrNull(value);
            } catch (InvalidMetricSpecException e) {
                throw new InvalidMetricSpecException("engine '" + engine + "' " + field + ": " + e.getMessage());
            }
        }
    }
}
