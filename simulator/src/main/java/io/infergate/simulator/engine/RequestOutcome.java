package io.infergate.simulator.engine;

/**
 * What happened to a finished request, all times on the engine's clock.
 *
 * @param firstScheduledNanos when it first entered the running batch, or -1 if it never did
 * @param firstTokenNanos     when its first output token was sampled, or -1 if none was
 * @param cachedPromptTokens  prompt tokens served from the prefix cache at its first admission
 */
public record RequestOutcome(
        String requestId,
        FinishReason reason,
        int promptTokens,
        int cachedPromptTokens,
        int outputTokens,
        long arrivalNanos,
        long firstScheduledNanos,
        long firstTokenNanos,
        long finishNanos,
        int preemptions) {

    /** Time to first token in nanoseconds, or -1 if no token was produced. */
    public long ttftNanos() {
        return firstTokenNanos < 0 ? -1 : firstTokenNanos - arrivalNanos;
    }

    /** End-to-end latency in nanoseconds. */
    public long e2eNanos() {
        return finishNanos - arrivalNanos;
    }
}
