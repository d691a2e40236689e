package io.infergate.bench.fidelity;

/**
 * What one replayed stage measured, on the same definitions as the published stage.
 *
 * <p>Immutable; any thread.
 *
 * @param offeredQps  the stage's constant arrival rate
 * @param completed   requests that completed
 * @param ttftMeanMs  mean time from send to the first token
 * @param e2eMeanMs   mean time from send to the last token
 * @param spanSeconds from the stage's first send to its last completion
 */
public record StageResult(double offeredQps, int completed, double ttftMeanMs, double e2eMeanMs, double spanSeconds) {

    /** (E2E - TTFT) / (tokens - 1): the mean gap between output tokens. */
    public double derivedItlMs() {
        return derivedItlMs(e2eMeanMs, ttftMeanMs);
    }

    /** Output tokens per second over the stage. */
    public double outputTokensPerSec() {
        return completed * (double) PublishedRun.OUTPUT_TOKENS / spanSeconds;
    }

    /** The derived ITL of the stage means, counting the {@link PublishedRun#OUTPUT_TOKENS} the engine generated. */
    public static double derivedItlMs(double e2eMeanMs, double ttftMeanMs) {
        return (e2eMeanMs - ttftMeanMs) / (PublishedRun.OUTPUT_TOKENS - 1);
    }
}
