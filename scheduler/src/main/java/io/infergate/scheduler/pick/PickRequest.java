package io.infergate.scheduler.pick;

import io.infergate.scheduler.model.ModelHeaders;
import java.util.Objects;

/**
 * What a picker may know about one request, after model resolution. Small and typed on purpose: a new signal
 * becomes a new component, not an entry in a map. Immutable.
 *
 * @param requestId   the {@code x-request-id} (generated when the client sent none), for logs and decisions
 * @param targetModel the resolved model name the endpoint will serve (adapter name for LoRA affinity)
 * @param priority    higher is more important; negative is sheddable
 * @param promptBytes size in bytes of the prompt (or messages / input) slice of the body, >= 0; pickers
 *                    estimate tokens from it (GIE uses about 4 bytes per token)
 * @param fairnessId  the {@code x-gateway-inference-fairness-id}, {@code "default-flow"} when absent
 * @param sessionId   a session affinity key from the request, empty when there is none
 * @param prompt      the user-input bytes for prefix-cache affinity ({@link PromptBytes#NONE} when unknown); a
 *                    view valid during the pick only
 */
public record PickRequest(
        String requestId,
        String targetModel,
        int priority,
        int promptBytes,
        String fairnessId,
        String sessionId,
        PromptBytes prompt) {
    public PickRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(targetModel, "targetModel");
        if (promptBytes < 0) {
            throw new IllegalArgumentException("promptBytes: " + promptBytes + " (expected: >= 0)");
        }
        Objects.requireNonNull(fairnessId, "fairnessId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(prompt, "prompt");
    }

    /** A request with the default fairness id and no session. */
    public static PickRequest of(String requestId, String targetModel, int priority, int promptBytes) {
        return new PickRequest(
                requestId, targetModel, priority, promptBytes, ModelHeaders.DEFAULT_FAIRNESS_ID, "", PromptBytes.NONE);
    }
}
