package io.infergate.bench.lab.policy;

import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import java.util.Objects;

/**
 * Parameters of {@link LlmdPolicy}, named as the llm-d plugins name them. Immutable; the constructor rejects values
 * outside their domain.
 *
 * <p>{@link #defaults()} are the plugins' built-in defaults, which the optimized-baseline guide runs with:
 * {@code prefix-cache-affinity-filter} ({@code llm-d/llm-d-router},
 * {@code pkg/epp/framework/plugins/scheduling/filter/prefixcacheaffinity/plugin.go} {@code DefaultConfig}):
 * {@code affinityThreshold} 0.80, {@code explorationProbability} 0, {@code maxTTFTPenaltyMs} 18000,
 * {@code peakPrefillThroughput} 15928 tok/s (Qwen3-32B, 2×H100, TP=2, vLLM 0.19); {@code token-load-scorer}
 * ({@code .../scorer/tokenload/token_load.go}): {@code queueThresholdTokens} 4194304 ("128 requests @ 32K"); the
 * approximate prefix producer: GIE's hasher ({@link PrefixHasher#defaults()}: 16-token blocks, 256 of them) and
 * index ({@link PrefixIndex#DEFAULT_LRU_CAPACITY_PER_ENDPOINT} per endpoint, autoTune on).
 *
 * <p>The guide ({@code llm-d/llm-d} {@code guides/optimized-baseline/router/optimized-baseline.values.yaml}) also
 * sets {@code maxPrefixTokensToMatch: 40960} (vLLM's {@code --max-model-len}), i.e.
 * {@code new PrefixHasher(16, 2560)}; the default here keeps GIE's 256 blocks, as Infergate's GIE profile does, so
 * that both see the same prefix state. Pass a hasher to match the guide.
 *
 * @param affinityThreshold      prefix score at or above which an endpoint is sticky, in [0, 1]; 0 disables the filter
 * @param explorationProbability probability of skipping the filter for one request, in [0, 1]
 * @param maxTtftPenaltyMs       stickiness breaks when the best sticky endpoint's estimated TTFT exceeds the best
 *                               non-sticky one's by more than this; 0 always sticks
 * @param peakPrefillThroughput  tokens per second turning in-flight tokens into an estimated TTFT, > 0
 * @param queueThresholdTokens   in-flight tokens at which the token-load score reaches 0, >= 1
 * @param hasher                 how prompts are cut into hashed blocks
 * @param indexCapacity          the prefix index's per-endpoint LRU capacity while {@code num_gpu_blocks} is
 *                               unknown, >= 1
 * @param autoTune               whether an endpoint's index capacity follows its scraped {@code num_gpu_blocks}
 */
public record LlmdConfig(
        double affinityThreshold,
        double explorationProbability,
        double maxTtftPenaltyMs,
        double peakPrefillThroughput,
        long queueThresholdTokens,
        PrefixHasher hasher,
        int indexCapacity,
        boolean autoTune) {

    public LlmdConfig {
        if (!(affinityThreshold >= 0 && affinityThreshold <= 1)) {
            throw new IllegalArgumentException("affinityThreshold: " + affinityThreshold + " (expected: 0..1)");
        }
        if (!(explorationProbability >= 0 && explorationProbability <= 1)) {
            throw new IllegalArgumentException(
                    "explorationProbability: " + explorationProbability + " (expected: 0..1)");
        }
        if (!(maxTtftPenaltyMs >= 0) || Double.isInfinite(maxTtftPenaltyMs)) {
            throw new IllegalArgumentException(
                    "maxTtftPenaltyMs: " + maxTtftPenaltyMs + " (expected: a finite value >= 0)");
        }
        if (!(peakPrefillThroughput > 0) || Double.isInfinite(peakPrefillThroughput)) {
            throw new IllegalArgumentException(
                    "peakPrefillThroughput: " + peakPrefillThroughput + " (expected: a finite value > 0)");
        }
        if (queueThresholdTokens < 1) {
            throw new IllegalArgumentException("queueThresholdTokens: " + queueThresholdTokens + " (expected: >= 1)");
        }
        Objects.requireNonNull(hasher, "hasher");
        if (indexCapacity < 1) {
            throw new IllegalArgumentException("indexCapacity: " + indexCapacity + " (expected: >= 1)");
        }
    }

    /** The plugins' built-in defaults (see the class comment). */
    public static LlmdConfig defaults() {
        return new LlmdConfig(
                0.80,
                0.0,
                18_000,
                15_928,
                4_194_304L,
                PrefixHasher.defaults(),
                PrefixIndex.DEFAULT_LRU_CAPACITY_PER_ENDPOINT,
                true);
    }

    public LlmdConfig withExplorationProbability(double p) {
        return new LlmdConfig(
                affinityThreshold,
                p,
                maxTtftPenaltyMs,
                peakPrefillThroughput,
                queueThresholdTokens,
                hasher,
                indexCapacity,
                autoTune);
    }

    public LlmdConfig withMaxTtftPenaltyMs(double ms) {
        return new LlmdConfig(
                affinityThreshold,
                explorationProbability,
                ms,
                peakPrefillThroughput,
                queueThresholdTokens,
                hasher,
                indexCapacity,
                autoTune);
    }

    public LlmdConfig withHasher(PrefixHasher h) {
        return new LlmdConfig(
                affinityThreshold,
                explorationProbability,
                maxTtftPenaltyMs,
                peakPrefillThroughput,
                queueThresholdTokens,
                h,
                indexCapacity,
                autoTune);
    }

    public LlmdConfig withQueueThresholdTokens(long tokens) {
        return new LlmdConfig(
                affinityThreshold,
                explorationProbability,
                maxTtftPenaltyMs,
                peakPrefillThroughput,
                tokens,
                hasher,
                indexCapacity,
                autoTune);
    }
}
