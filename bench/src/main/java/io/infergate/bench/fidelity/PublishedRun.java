package io.infergate.bench.fidelity;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.Preset;
import java.util.List;

/**
 * The published KubeCon NA 2025 inference-perf runs the fidelity bench replays: vLLM v0.11.0 serving
 * Llama-3.1-8B-Instruct on one H100-80GB, {@code --max-model-len=512}, {@code --gpu_memory_utilization=0.9}
 * ({@code kubernetes-sigs/inference-perf}, {@code demos/kubecon-na-2025/<config>/manifests.yaml}); the workload is
 * {@code demos/kubecon-na-2025/config.yaml}: inference-perf's {@code shared_prefix} data (10 system prompts of 128
 * tokens x 10 users, a 64-token question each, so 100 fixed prompts sent in turn), 64 tokens out with
 * {@code ignore_eos}, streaming completions, seven constant-rate stages of 60 s, at most 44 workers x 10 requests
 * in flight. The stage numbers are the means of {@code <config>/results/stage_N_lifecycle_metrics.json}.
 *
 * <p>Immutable; any thread.
 */
public enum PublishedRun {

    /** {@code vllm+chunking_and_prefix_caching}: APC and chunked prefill on, {@code --max-num-seqs=128}. */
    A(
            "A",
            "vllm+chunking_and_prefix_caching",
            true,
            128,
            203,
            List.of(
                    new PublishedStage(1.0, 1.02, 29.9, 479.6, 1.007),
                    new PublishedStage(43.25, 43.27, 26.9, 523.7, 42.921),
                    new PublishedStage(85.5, 85.52, 28.9, 578.8, 84.773),
                    new PublishedStage(127.75, 127.76, 32.2, 666.1, 126.535),
                    new PublishedStage(169.99, 169.99, 101.3, 812.3, 167.784),
                    new PublishedStage(212.24, 175.66, 1685.1, 2421.0, 170.208),
                    new PublishedStage(254.49, 177.67, 1734.8, 2459.4, 172.962))),

    /** {@code vllm+batch_size}: APC and chunked prefill off, {@code --max-num-seqs=192}. */
    B(
            "B",
            "vllm+batch_size",
            false,
            192,
            201,
            List.of(
                    new PublishedStage(1.0, 1.00, 33.3, 483.2, 0.997),
                    new PublishedStage(37.97, 37.99, 31.3, 564.3, 37.676),
                    new PublishedStage(74.94, 74.94, 38.6, 764.5, 74.283),
                    new PublishedStage(111.92, 111.92, 146.2, 1697.9, 110.760),
                    new PublishedStage(148.89, 117.04, 2056.4, 3700.4, 112.855),
                    new PublishedStage(185.86, 117.74, 2110.0, 3739.5, 114.314),
                    new PublishedStage(222.83, 116.32, 2200.5, 3797.0, 113.660)));

    /** Tokens each request generates: {@code output_len: 64} with {@code ignore_eos}. */
    public static final int OUTPUT_TOKENS = 64;

    /** The client's in-flight cap: {@code num_workers: 44} x {@code worker_max_concurrency: 10}. */
    public static final int CLIENT_MAX_IN_FLIGHT = 440;

    /** System-prompt groups x users per group ({@code num_unique_system_prompts}, {@code num_users_per_...}). */
    public static final int GROUPS = 10;

    public static final int USERS_PER_GROUP = 10;

    /** Tokens of each group's shared system prompt ({@code system_prompt_len}). */
    public static final int SYSTEM_PROMPT_TOKENS = 128;

    private final String label;
    private final String upstreamDirectory;
    private final boolean cachingAndChunking;
    private final int maxNumSeqs;
    private final int promptTokens;
    private final List<PublishedStage> stages;

    PublishedRun(
            String label,
            String upstreamDirectory,
            boolean cachingAndChunking,
            int maxNumSeqs,
            int promptTokens,
            List<PublishedStage> stages) {
        this.label = label;
        this.upstreamDirectory = upstreamDirectory;
        this.cachingAndChunking = cachingAndChunking;
        this.maxNumSeqs = maxNumSeqs;
        this.promptTokens = promptTokens;
        this.stages = stages;
    }

    public String label() {
        return label;
    }

    /** The run's directory under {@code demos/kubecon-na-2025} in {@code kubernetes-sigs/inference-perf}. */
    public String upstreamDirectory() {
        return upstreamDirectory;
    }

    /**
     * Prompt tokens per request as the server counted them: the stages' mean {@code prompt_len} (the 128 + 64
     * random token ids become a few more tokens once decoded to text and tokenized again).
     */
    public int promptTokens() {
        return promptTokens;
    }

    public List<PublishedStage> stages() {
        return stages;
    }

    /**
     * The run's server flags applied to {@code preset}: {@code --max-model-len=512}, its {@code --max-num-seqs},
     * and prefix caching and chunked prefill both on or both off.
     */
    public EngineConfig engineConfig(Preset preset) {
        return preset.config().toBuilder()
                .maxModelLen(512)
                .maxNumSeqs(maxNumSeqs)
                .enablePrefixCaching(cachingAndChunking)
                .enableChunkedPrefill(cachingAndChunking)
                .build();
    }

    /**
     * The published knee: the lowest stage whose TTFT mean exceeds three times the first (1 QPS) stage's, or -1
     * if none does.
     */
    public int kneeStage() {
        return FidelityReport.knee(
                stages.stream().mapToDouble(PublishedStage::ttftMeanMs).toArray());
    }
}
