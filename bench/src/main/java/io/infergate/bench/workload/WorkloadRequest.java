package io.infergate.bench.workload;

import io.infergate.scheduler.model.Priorities;
import io.infergate.simulator.text.ApproxTokenizer;
import java.util.Objects;

/**
 * One request of a workload: when it is sent, to which model, with what priority, and what it asks. Immutable.
 *
 * <p>Priority is the gateway's integer scale ({@link Priorities}): {@code Critical -> 1} ({@link #CRITICAL}),
 * {@code Standard -> 0} ({@link #STANDARD}), {@code Sheddable -> -1} ({@link #SHEDDABLE}); any negative value is
 * sheddable. Other integers are allowed (InferenceObjective priorities are arbitrary).
 *
 * @param arrivalNanos    when to send it, in nanoseconds from the start of the run; {@code >= 0}
 * @param model           the {@code model} field: a base model or a LoRA adapter name; not blank
 * @param priority        see above
 * @param prompt          the prompt text (for a chat request, the messages' text in order)
 * @param inputTokens     the prompt's estimated tokens; generators use {@link #estimateTokens} (4 characters a
 *                        token, the gateway's estimate); a trace may carry a real tokenizer's count. {@code >= 0}
 * @param maxOutputTokens the request's {@code max_tokens} (generators also intend it as the output length, as
 *                        with {@code ignore_eos}); {@code >= 1}
 * @param sessionId       the chat session a multi-turn request belongs to, or empty
 * @param fairnessId      the {@code x-gateway-inference-fairness-id} (tenant) it is sent with, or empty
 */
public record WorkloadRequest(
        long arrivalNanos,
        String model,
        int priority,
        String prompt,
        int inputTokens,
        int maxOutputTokens,
        String sessionId,
        String fairnessId) {

    public static final int CRITICAL = Priorities.CRITICAL;
    public static final int STANDARD = Priorities.STANDARD;
    public static final int SHEDDABLE = Priorities.SHEDDABLE;

    public WorkloadRequest {
        if (arrivalNanos < 0) {
            throw new IllegalArgumentException("arrivalNanos: " + arrivalNanos + " (expected: >= 0)");
        }
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model: blank (expected: a model or adapter name)");
        }
        Objects.requireNonNull(prompt, "prompt");
        if (inputTokens < 0) {
            throw new IllegalArgumentException("inputTokens: " + inputTokens + " (expected: >= 0)");
        }
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens: " + maxOutputTokens + " (expected: >= 1)");
        }
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(fairnessId, "fairnessId");
    }

    /** A request at time 0 whose {@code inputTokens} is {@link #estimateTokens estimated} from the prompt. */
    public static WorkloadRequest of(
            String model, int priority, String prompt, int maxOutputTokens, String sessionId, String fairnessId) {
        return new WorkloadRequest(
                0, model, priority, prompt, estimateTokens(prompt), maxOutputTokens, sessionId, fairnessId);
    }

    /** The gateway's estimate: one token per 4 characters, rounded up ({@link ApproxTokenizer}). */
    public static int estimateTokens(CharSequence text) {
        return ApproxTokenizer.countTokens(text, false);
    }

    public WorkloadRequest withArrivalNanos(long nanos) {
        return new WorkloadRequest(nanos, model, priority, prompt, inputTokens, maxOutputTokens, sessionId, fairnessId);
    }

    public WorkloadRequest withModel(String newModel) {
        return new WorkloadRequest(
                arrivalNanos, newModel, priority, prompt, inputTokens, maxOutputTokens, sessionId, fairnessId);
    }

    public WorkloadRequest withPriority(int newPriority) {
        return new WorkloadRequest(
                arrivalNanos, model, newPriority, prompt, inputTokens, maxOutputTokens, sessionId, fairnessId);
    }
}
