package io.infergate.simulator.engine;

import java.util.Objects;

/**
 * One generation request as the engine sees it: tokens in, a planned number of tokens out.
 *
 * <p>The output length is decided before submission ({@link OutputPlan}), the way a sampled model
 * "decides" when to emit EOS; the engine only has to produce that many tokens.
 *
 * @param requestId      unique among the engine's live requests
 * @param adapter        the LoRA adapter name, or {@code null} for the base model
 * @param promptTokens   token ids of the prompt (not copied; callers must not modify the array)
 * @param outputTokens   how many tokens to generate (>= 1)
 * @param finishReason   the reason reported when {@code outputTokens} is reached ({@code STOP} or {@code LENGTH})
 * @param maxTokensParam the request's {@code max_tokens}, or -1 if absent (for the params histogram)
 * @param observer       receives tokens and the outcome
 */
public record EngineRequest(
        String requestId,
        String adapter,
        int[] promptTokens,
        int outputTokens,
        FinishReason finishReason,
        int maxTokensParam,
        RequestObserver observer) {

    public EngineRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(promptTokens, "promptTokens");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(observer, "observer");
        if (promptTokens.length < 1) {
            throw new IllegalArgumentException("promptTokens: empty (expected: at least 1 token)");
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("outputTokens: " + outputTokens + " (expected: >= 1)");
        }
        if (finishReason == FinishReason.ABORT) {
            throw new IllegalArgumentException("finishReason: ABORT (expected: STOP or LENGTH)");
        }
    }
}
