package io.infergate.bench.lab.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Parameters of {@link DynamoKvPolicy}, named as Dynamo's {@code KvRouterConfig} ({@code ai-dynamo/dynamo},
 * {@code lib/kv-router/src/scheduling/config.rs}; CLI {@code --router-prefill-load-scale},
 * {@code --router-kv-overlap-score-credit}, {@code --router-temperature}, {@code --router-ttl-secs},
 * {@code --router-max-tree-size}, {@code --router-prune-target-ratio}). Immutable; the constructor rejects values
 * outside their domain.
 *
 * <p>{@link #defaults()} are Dynamo's: {@code prefill_load_scale} 1.0, {@code overlap_score_credit} 1.0 (device
 * tier), {@code router_temperature} 0.0, {@code router_ttl_secs} 120, {@code router_max_tree_size} 2^20 blocks,
 * {@code router_prune_target_ratio} 0.8. {@code overlap_score_credit_decay} (default 0, i.e. off),
 * {@code decode_active_request_weight} (default 0) and the host/disk/shared-cache credits (no such tiers in the lab)
 * are fixed at values that make their terms vanish.
 *
 * @param prefillLoadScale    weight of the adjusted prefill blocks against decode blocks, >= 0 (formerly
 *                            {@code overlap_score_weight})
 * @param overlapScoreCredit  blocks of prefill credited per device-cached prefix block, >= 0
 * @param temperature         0 for argmin; > 0 for softmax sampling over min-max normalised costs
 * @param ttl                 how long a routed block is assumed cached on its worker (approximate mode), > 0
 * @param maxTreeSize         (worker, block) entries kept before pruning, >= 1
 * @param pruneTargetRatio    pruning keeps this fraction of {@code maxTreeSize}, the most recent, in [0, 1]
 */
public record DynamoKvConfig(
        double prefillLoadScale,
        double overlapScoreCredit,
        double temperature,
        Duration ttl,
        int maxTreeSize,
        double pruneTargetRatio) {

    public DynamoKvConfig {
        requireFiniteNonNegative("prefillLoadScale", prefillLoadScale);
        requireFiniteNonNegative("overlapScoreCredit", overlapScoreCredit);
        requireFiniteNonNegative("temperature", temperature);
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        if (maxTreeSize < 1) {
            throw new IllegalArgumentException("maxTreeSize: " + maxTreeSize + " (expected: >= 1)");
        }
        if (!(pruneTargetRatio >= 0 && pruneTargetRatio <= 1)) {
            throw new IllegalArgumentException("pruneTargetRatio: " + pruneTargetRatio + " (expected: 0..1)");
        }
    }

    /** Dynamo's defaults: 1.0, 1.0, 0.0, 120 s, 2^20, 0.8. */
    public static DynamoKvConfig defaults() {
        return new DynamoKvConfig(1.0, 1.0, 0.0, Duration.ofSeconds(120), 1 << 20, 0.8);
    }

    public DynamoKvConfig withTemperature(double t) {
        return new DynamoKvConfig(prefillLoadScale, overlapScoreCredit, t, ttl, maxTreeSize, pruneTargetRatio);
    }

    public DynamoKvConfig withPrefillLoadScale(double scale) {
        return new DynamoKvConfig(scale, overlapScoreCredit, temperature, ttl, maxTreeSize, pruneTargetRatio);
    }

    public DynamoKvConfig withOverlapScoreCredit(double credit) {
        return new DynamoKvConfig(prefillLoadScale, credit, temperature, ttl, maxTreeSize, pruneTargetRatio);
    }

    private static void requireFiniteNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a finite value >= 0)");
        }
    }
}
