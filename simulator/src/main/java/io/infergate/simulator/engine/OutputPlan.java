package io.infergate.simulator.engine;

import java.util.random.RandomGenerator;

/**
 * Decides how many tokens a request will generate and why it will stop, the way vLLM's sampling would:
 * with {@code ignore_eos} the request runs to {@code max_tokens}; otherwise a length is drawn from the
 * configured distribution and capped by {@code max_tokens} (finish reason {@code length} when the cap
 * bites, {@code stop} otherwise). Without {@code max_tokens}, the cap is what is left of the context
 * window, as in vLLM.
 *
 * @param outputTokens the number of tokens to generate (>= 1)
 * @param reason       {@link FinishReason#STOP} or {@link FinishReason#LENGTH}
 */
public record OutputPlan(int outputTokens, FinishReason reason) {

    /**
     * @param maxTokens    the request's {@code max_tokens}, or -1 when absent
     * @param ignoreEos    the request's {@code ignore_eos}
     * @param promptTokens the prompt length
     * @param maxModelLen  the context window
     * @throws IllegalArgumentException if the prompt leaves no room for one output token
     */
    public static OutputPlan decide(
            int maxTokens,
            boolean ignoreEos,
            int promptTokens,
            int maxModelLen,
            OutputLengthDistribution distribution,
            RandomGenerator random) {
        int room = maxModelLen - promptTokens;
        if (room < 1) {
            throw new IllegalArgumentException("prompt of " + promptTokens + " tokens leaves no room to generate"
                    + " (expected: fewer than max_model_len " + maxModelLen + ")");
        }
        int cap = maxTokens > 0 ? Math.min(maxTokens, room) : room;
        if (ignoreEos) {
            return new OutputPlan(cap, FinishReason.LENGTH);
        }
        int drawn = distribution.sample(random);
        return drawn >= cap ? new OutputPlan(cap, FinishReason.LENGTH) : new OutputPlan(drawn, FinishReason.STOP);
    }
}
