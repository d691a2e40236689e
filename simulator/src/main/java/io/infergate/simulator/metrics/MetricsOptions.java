package io.infergate.simulator.metrics;

/**
 * Knobs of the {@code /metrics} exposition that real deployments differ in.
 *
 * <p>Immutable; the constructor rejects a blank engine label and a non-finite or negative creation time.
 *
 * @param legacyVllmKvName   vLLM flavor only: also emit {@code vllm:gpu_cache_usage_perc},
 *                           {@code vllm:gpu_prefix_cache_queries_total} and {@code vllm:gpu_prefix_cache_hits_total},
 *                           the names vLLM 0.8/0.9 still exported next to the new ones
 * @param engineLabel        vLLM flavor only: the V1 {@code engine} label value ({@code "0"} without data
 *                           parallelism); {@code null} omits the label as vLLM V0 and the llm-d simulator do
 * @param emitCreated        emit {@code <name>_created} gauge families after counters and histograms the way
 *                           Python {@code prometheus_client} does in a single process (vLLM, trtllm-serve);
 *                           ignored by flavors whose library never emits them (SGLang's multiprocess
 *                           collector, TGI, Triton)
 * @param createdUnixSeconds the value of those {@code _created} samples: when the server started, in Unix seconds
 */
public record MetricsOptions(
        boolean legacyVllmKvName, String engineLabel, boolean emitCreated, double createdUnixSeconds) {

    public MetricsOptions {
        if (engineLabel != null && engineLabel.isBlank()) {
            throw new IllegalArgumentException(
                    "engineLabel: blank (expected: a value such as \"0\", or null to omit it)");
        }
        if (!Double.isFinite(createdUnixSeconds) || createdUnixSeconds < 0) {
            throw new IllegalArgumentException(
                    "createdUnixSeconds: " + createdUnixSeconds + " (expected: a finite Unix time >= 0)");
        }
    }

    /** What current vLLM V1 shows on a single engine: {@code engine="0"}, no deprecated names, no {@code _created}. */
    public static MetricsOptions defaults() {
        return new MetricsOptions(false, "0", false, 0);
    }
}
