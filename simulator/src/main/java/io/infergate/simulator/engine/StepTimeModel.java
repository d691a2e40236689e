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
        double computePerAttentionPairMs,
        double stepTimeCv) {

    /** A model whose steps take exactly the modelled time (no variance). */
    public StepTimeModel(
            double memFloorMs,
            double memPerPrefillTokenMs,
            double memPerDecodeSeqMs,
            double memPerContextTokenMs,
            double computeBaseMs,
            double computePerTokenMs,
            double computePerAttentionPairMs) {
        this(
                memFloorMs,
                memPerPrefillTokenMs,
                memPerDecodeSeqMs,
                memPerContextTokenMs,
                computeBaseMs,
                computePerTokenMs,
                computePerAttentionPairMs,
                0);
    }

    public StepTimeModel {
        requireNonNegative("memFloorMs", memFloorMs);
        requireNonNegative("memPerPrefillTokenMs", memPerPrefillTokenMs);
        requireNonNegative("memPerDecodeSeqMs", memPerDecodeSeqMs);
        requireNonNegative("memPerContextTokenMs", memPerContextTokenMs);
        requireNonNegative("computeBaseMs", computeBaseMs);
        requireNonNegative("computePerTokenMs", computePerTokenMs);
        requireNonNegative("computePerAttentionPairMs", computePerAttentionPairMs);
        if (!(stepTimeCv >= 0 && stepTimeCv <= MAX_CV)) {
            throw new IllegalArgumentException(
                    "stepTimeCv: " + stepTimeCv + " (expected: 0.." + MAX_CV + ", a relative standard deviation)");
        }
        if (memFloorMs == 0 && computeBaseMs == 0) {
            throw new IllegalArgumentException("memFloorMs and computeBaseMs are both 0 (expected: a step takes time)");
        }
    }

    /** The largest step-time variance accepted: beyond it the clamp at half the mean would distort the mean. */
    public static final double MAX_CV = 0.2;

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

    /** The step time in nanoseconds, at least 1, without variance. */
    public long stepNanos(long prefillTokens, long decodeSeqs, long decodeContextTokens, double attentionPairs) {
        return stepNanos(prefillTokens, decodeSeqs, decodeContextTokens, attentionPairs, 0);
    }

    /**
     * The step time in nanoseconds, at least 1, scaled by {@code 1 + stepTimeCv * standardNormal} (kept within
     * 0.5..1.5 of the modelled time): the caller draws {@code standardNormal} from its seeded random source, so a
     * run stays reproducible.
     */
    public long stepNanos(
            long prefillTokens,
            long decodeSeqs,
            long decodeContextTokens,
            double attentionPairs,
            double standardNormal) {
        double factor = Math.clamp(1 + stepTimeCv * standardNormal, 0.5, 1.5);
        return Math.max(
                1L, Math.round(stepMs(prefillTokens, decodeSeqs, decodeContextTokens, attentionPairs) * factor * 1e6));
    }

    /** This model with another step-time variance. */
    public StepTimeModel withStepTimeCv(double cv) {
        return new StepTimeModel(
                memFloorMs,
                memPerPrefillTokenMs,
                memPerDecodeSeqMs,
                memPerContextTokenMs,
                computeBaseMs,
                computePerTokenMs,
                computePerAttentionPairMs,
                cv);
    }
}
