package io.infergate.simulator.engine;

/**
 * The two-regime (roofline-style) cost of one engine step ({@code docs/simulator.md}, "Step time"): a step costs
 * whichever is larger, the memory-bound term (weights plus KV reads) or the compute-bound term
 * (tokens times FLOPs).
 *
 * <pre>
 * mem_bound_ms     = memFloorMs + memPerPrefillTokenMs*P + memPerDecodeSeqMs*D + memPerContextTokenMs*CTX
 * compute_bound_ms = computeBaseMs + computePerTokenMs*(P + D) + computePerAttentionPairMs*ATT
 * step_ms          = max(mem_bound_ms, compute_bound_ms)
 * </pre>
 * where P is prefill-chunk tokens this step (prefix-cache hits excluded), D the number of decoding
 * sequences, CTX the summed context of those sequences and ATT the prefill attention work
 * (sum over chunks of {@code chunk * (prior_context + chunk / 2)}).
 *
 * <p>Immutable; safe from any thread.
 */
public record StepTimeModel(
        double memFloorMs,
        double memPerPrefillTokenMs,
        double memPerDecodeSeqMs,
        double memPerContextTokenMs,
        double computeBaseMs,
        double computePerTokenMs,
        double computePerAttentionPairMs) {

    public StepTimeModel {
        requireNonNegative("memFloorMs", memFloorMs);
        requireNonNegative("memPerPrefillTokenMs", memPerPrefillTokenMs);
        requireNonNegative("memPerDecodeSeqMs", memPerDecodeSeqMs);
        requireNonNegative("memPerContextTokenMs", memPerContextTokenMs);
        requireNonNegative("computeBaseMs", computeBaseMs);
        requireNonNegative("computePerTokenMs", computePerTokenMs);
        requireNonNegative("computePerAttentionPairMs", computePerAttentionPairMs);
        if (memFloorMs == 0 && computeBaseMs == 0) {
            throw new IllegalArgumentException("memFloorMs and computeBaseMs are both 0 (expected: a step takes time)");
        }
    }

    private static void requireNonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: a finite number >= 0)");
        }
    }

    /** Memory-bound term in milliseconds. */
    public double memoryBoundMs(long prefillTokens, long decodeSeqs, long decodeContextTokens) {
        return memFloorMs
                + memPerPrefillTokenMs * prefillTokens
                + memPerDecodeSeqMs * decodeSeqs
                + memPerContextTokenMs * decodeContextTokens;
    }

    /** Compute-bound term in milliseconds. */
    public double computeBoundMs(long prefillTokens, long decodeSeqs, double attentionPairs) {
        return computeBaseMs
                + computePerTokenMs * (prefillTokens + decodeSeqs)
                + computePerAttentionPairMs * attentionPairs;
    }

    /** The step time in milliseconds: the larger of the two regimes. */
    public double stepMs(long prefillTokens, long decodeSeqs, long decodeContextTokens, double attentionPairs) {
        return Math.max(
                memoryBoundMs(prefillTokens, decodeSeqs, decodeContextTokens),
                computeBoundMs(prefillTokens, decodeSeqs, attentionPairs));
    }

    /** The step time in nanoseconds, at least 1. */
    public long stepNanos(long prefillTokens, long decodeSeqs, long decodeContextTokens, double attentionPairs) {
        return Math.max(1L, Math.round(stepMs(prefillTokens, decodeSeqs, decodeContextTokens, attentionPairs) * 1e6));
    }
}
