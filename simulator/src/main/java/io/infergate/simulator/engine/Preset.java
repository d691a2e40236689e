package io.infergate.simulator.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Named model/GPU deployments with calibrated step-time constants and KV capacity ({@code docs/simulator.md},
 * "Step time"). Batch limits follow vLLM's {@code vllm serve} defaults for the GPU class
 * ({@code EngineArgs.get_batch_defaults} in {@code vllm/engine/arg_utils.py}).
 */
public enum Preset {

    /**
     * Llama-3.1-8B BF16 on one H100-80GB, calibrated against the KubeCon NA 2025 inference-perf runs
     * ({@code kubernetes-sigs/inference-perf}, {@code demos/kubecon-na-2025}, vLLM v0.11.0; replayed by
     * {@code infergate bench fidelity}, see {@code docs/simulator.md}). The memory regime is additive: the weight-read
     * floor plus every scheduled token (prefill or decode) at the model's compute slope plus the KV reads.
     * <ul>
     *   <li>floor 7.2 ms: the published batch-1 step is 7.14 ms (1-QPS stages of both configs, (E2E - TTFT) / 63)
     *       minus one token's compute and KV read (0.03 ms) = 7.1; 7.2 puts config A's saturated capacity 1 %
     *       under the 170-QPS stage, where the published run queued (its knee is a knife edge: 7.1 leaves the
     *       simulated 170-QPS stage unqueued, 7.3 queues it three times as much as published);
     *   <li>0.021 ms per prefill token and per decoding sequence: the compute slope ({@code microsoft/vidur}
     *       profiles, H100 Llama-2-7B scaled to Llama-3-8B). With the KV term a decoding sequence of ~235 tokens
     *       costs 0.033 ms, the slope of the published ITL against running sequences (config A: 7.1 + 0.033 ms per
     *       sequence on the engine's 64 tokens), fitted nowhere;
     *   <li>0.00005 ms per context token: 128 KiB of KV per token read at ~2.6 TB/s;
     *   <li>the compute regime (1.2 ms + 0.021 ms per token + 1.3e-6 ms per attention pair) only takes over for
     *       long prefills (attention-heavy steps), e.g. one 8,192-token prompt in ~0.22 s;
     *   <li>step-time variance 1.5 %: the spread of the published 1-QPS inter-token gaps (median 7.09 ms, p90 of
     *       the step gaps 7.19 ms: 0.08-0.14 ms).
     * </ul>
     * KV ~26k blocks; H100 defaults 8192 batched tokens / 1024 seqs.
     */
    LLAMA_3_1_8B_H100(
            "llama-3.1-8b-h100",
            "meta-llama/Llama-3.1-8B-Instruct",
            26_000,
            1024,
            8192,
            new StepTimeModel(7.2, 0.021, 0.021, 0.00005, 1.2, 0.021, 1.3e-6, 0.015),
            "calibrated: KubeCon NA 2025 vLLM 0.11 runs (bench fidelity)"),

    /**
     * Uncalibrated: Llama-3.1-8B on one A100-80GB, the H100 model as it was before its recalibration with compute slope x3.3 and floor x1.7 of the H100 (Vidur profiles),
     * ~1.6 TB/s effective for KV reads; A100 defaults 2048 batched tokens / 256 seqs.
     */
    LLAMA_3_1_8B_A100(
            "llama-3.1-8b-a100",
            "meta-llama/Llama-3.1-8B-Instruct",
            26_000,
            256,
            2048,
            new StepTimeModel(11.9, 0.0102, 0.0085, 0.00008, 2.0, 0.069, 4.3e-6),
            "uncalibrated: the H100 model before its recalibration, scaled by Vidur profiles"),

    /**
     * Uncalibrated: Llama-3.1-70B on 4xH100 (TP4), estimated from the H100 model as it was before its
     * recalibration: floor ~16 ms plus ~3 ms of all-reduce, compute slope 0.052 ms/token,
     * 80 KiB of KV per token per GPU; ~28k KV blocks.
     */
    LLAMA_3_1_70B_H100_TP4(
            "llama-3.1-70b-h100-tp4",
            "meta-llama/Llama-3.1-70B-Instruct",
            28_000,
            1024,
            8192,
            new StepTimeModel(19.0, 0.016, 0.0135, 0.00003, 3.0, 0.052, 1.6e-6),
            "uncalibrated: the H100 model before its recalibration, scaled by Vidur profiles");

    /** The preset used when none is named. */
    public static final Preset DEFAULT = LLAMA_3_1_8B_H100;

    private final String id;
    private final String modelName;
    private final int numGpuBlocks;
    private final int maxNumSeqs;
    private final int maxNumBatchedTokens;
    private final StepTimeModel stepTime;
    private final String calibration;

    Preset(
            String id,
            String modelName,
            int numGpuBlocks,
            int maxNumSeqs,
            int maxNumBatchedTokens,
            StepTimeModel stepTime,
            String calibration) {
        this.id = id;
        this.modelName = modelName;
        this.numGpuBlocks = numGpuBlocks;
        this.maxNumSeqs = maxNumSeqs;
        this.maxNumBatchedTokens = maxNumBatchedTokens;
        this.stepTime = stepTime;
        this.calibration = calibration;
    }

    /**
     * What the step-time model is calibrated against, or that it is not ("uncalibrated: ..."), for help texts and
     * docs.
     */
    public String calibration() {
        return calibration;
    }

    /** Whether {@link #calibration()} names measurements the model reproduces. */
    public boolean calibrated() {
        return !calibration.startsWith("uncalibrated");
    }

    /** The name used on the command line, e.g. {@code llama-3.1-8b-h100}. */
    public String id() {
        return id;
    }

    public StepTimeModel stepTime() {
        return stepTime;
    }

    /** The engine configuration of this preset with vLLM's defaults for everything else. */
    public EngineConfig config() {
        return new EngineConfig(
                modelName,
                16,
                numGpuBlocks,
                maxNumSeqs,
                maxNumBatchedTokens,
                0,
                131_072,
                true,
                true,
                false,
                1,
                1,
                16,
                150_000_000L, // 150 ms to load an adapter from disk (estimate: 100-1000 ms, predibase/lorax#433)
                10_000_000L, // 10 ms CPU->GPU copy of a rank-16 adapter (estimate: 5-50 ms)
                15_000_000L, // API server + tokenizer: light-load TTFT ~30 ms for 200 tokens (docs/simulator.md)
                0.9,
                stepTime,
                OutputLengthDistribution.DEFAULT);
    }

    /**
     * Looks a preset up by its id.
     *
     * @throws IllegalArgumentException listing the known ids
     */
    public static Preset byId(String id) {
        for (Preset p : values()) {
            if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("preset: '" + id + "' (expected one of: "
                + Arrays.stream(values()).map(Preset::id).collect(Collectors.joining(", ")) + ")");
    }
}
