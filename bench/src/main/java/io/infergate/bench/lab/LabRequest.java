package io.infergate.bench.lab;

import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.scheduler.pick.PickRequest;
import java.util.Objects;

/**
 * One request as a router in the lab sees it: the workload request, the JSON body the real-time path would send,
 * the pick request the gateway would build from it, and the token ids the simulated engine will receive. Immutable
 * (callers must not modify the arrays).
 *
 * @param id      unique in the run ({@code "r<sequence>"})
 * @param source  the workload request
 * @param body    the {@code /v1/completions} body (UTF-8 JSON), as sent to a real gateway
 * @param pick    what the gateway's pipeline asked the picker for: target model, priority, prompt bytes, fairness id,
 *                session
 * @param tokens  the prompt's token ids as the simulated engine tokenizes the same text
 * @param text    the prompt text (SGLang's cache-aware router matches on raw text)
 * @param outputEstimate the output tokens the gateway charges the request's in-flight lease with
 *                       ({@code TokenEstimate.outputTokens}), >= 0
 */
public record LabRequest(
        String id,
        WorkloadRequest source,
        byte[] body,
        PickRequest pick,
        int[] tokens,
        String text,
        long outputEstimate) {

    public LabRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(pick, "pick");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(text, "text");
        if (outputEstimate < 0) {
            throw new IllegalArgumentException("outputEstimate: " + outputEstimate + " (expected: >= 0)");
        }
    }

    /**
     * The model or adapter the request is routed as: the workload's {@code model} after the gateway's model
     * resolution ({@link PickRequest#targetModel()}).
     */
    public String model() {
        return pick.targetModel();
    }

    /** {@code max_tokens}: also the number of tokens the simulated engine generates (the workloads ignore EOS). */
    public int maxOutputTokens() {
        return source.maxOutputTokens();
    }
}
