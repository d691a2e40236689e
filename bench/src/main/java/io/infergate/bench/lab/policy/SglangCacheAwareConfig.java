package io.infergate.bench.lab.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Parameters of {@link SglangCacheAwarePolicy}, named as SGLang's gateway names them ({@code CacheAwareConfig},
 * CLI {@code --cache-threshold}, {@code --balance-abs-threshold}, {@code --balance-rel-threshold},
 * {@code --eviction-interval}, {@code --max-tree-size}). Immutable; the constructor rejects values outside their
 * domain.
 *
 * <p>{@link #defaults()} are the documented CLI defaults ({@code docs/advanced_features/sgl_model_gateway.md}): 0.3,
 * 64, 1.5, 120 s, 2^26. (The Rust struct's {@code Default} differs, 0.5 / 32 / 1.1 / 30 s / 10,000, but a
 * deployed gateway gets the CLI values.)
 *
 * @param cacheThreshold      route to the best-matching worker only when {@code matched/len} exceeds this, in [0, 1]
 * @param balanceAbsThreshold imbalanced needs {@code max - min >} this (requests), >= 0
 * @param balanceRelThreshold ... and {@code max >} this {@code × min}, >= 0
 * @param evictionInterval    virtual time between LRU evictions of the tree; zero disables eviction
 * @param maxTreeSize         characters each worker may keep in the tree after an eviction, >= 1
 */
public record SglangCacheAwareConfig(
        double cacheThreshold,
        int balanceAbsThreshold,
        double balanceRelThreshold,
        Duration evictionInterval,
        long maxTreeSize) {

    public SglangCacheAwareConfig {
        if (!(cacheThreshold >= 0 && cacheThreshold <= 1)) {
            throw new IllegalArgumentException("cacheThreshold: " + cacheThreshold + " (expected: 0..1)");
        }
        if (balanceAbsThreshold < 0) {
            throw new IllegalArgumentException("balanceAbsThreshold: " + balanceAbsThreshold + " (expected: >= 0)");
        }
        if (!(balanceRelThreshold >= 0) || Double.isInfinite(balanceRelThreshold)) {
            throw new IllegalArgumentException(
                    "balanceRelThreshold: " + balanceRelThreshold + " (expected: a finite value >= 0)");
        }
        Objects.requireNonNull(evictionInterval, "evictionInterval");
        if (evictionInterval.isNegative()) {
            throw new IllegalArgumentException("evictionInterval: " + evictionInterval + " (expected: >= 0)");
        }
        if (maxTreeSize < 1) {
            throw new IllegalArgumentException("maxTreeSize: " + maxTreeSize + " (expected: >= 1)");
        }
    }

    /** The documented defaults: 0.3, 64, 1.5, 120 s, 2^26 characters. */
    public static SglangCacheAwareConfig defaults() {
        return new SglangCacheAwareConfig(0.3, 64, 1.5, Duration.ofSeconds(120), 1L << 26);
    }

    public SglangCacheAwareConfig withEvictionInterval(Duration interval) {
        return new SglangCacheAwareConfig(
                cacheThreshold, balanceAbsThreshold, balanceRelThreshold, interval, maxTreeSize);
    }

    public SglangCacheAwareConfig withMaxTreeSize(long size) {
        return new SglangCacheAwareConfig(
                cacheThreshold, balanceAbsThreshold, balanceRelThreshold, evictionInterval, size);
    }
}
