package io.infergate.scheduler.admission;

import io.infergate.scheduler.model.ModelHeaders;
import java.util.Objects;

/**
 * GIE's {@code FlowKey}: the fairness id (tenant) and the priority of a request. Requests with the same key form
 * one flow, served first come, first served; flows with the same priority share a band. Immutable.
 *
 * @param fairnessId the {@code x-gateway-inference-fairness-id}, non-empty ({@link #of} applies the default)
 * @param priority   the resolved priority; higher is served first, negative is allowed
 */
public record FlowKey(String fairnessId, int priority) {
    public FlowKey {
        Objects.requireNonNull(fairnessId, "fairnessId");
        if (fairnessId.isEmpty()) {
            throw new IllegalArgumentException("fairnessId: empty (expected: non-empty; absent means \""
                    + ModelHeaders.DEFAULT_FAIRNESS_ID + "\")");
        }
    }

    /** The key for a header value that may be absent ({@code null}) or empty: both mean {@code default-flow}. */
    public static FlowKey of(String fairnessIdHeader, int priority) {
        String id = fairnessIdHeader == null || fairnessIdHeader.isEmpty()
                ? ModelHeaders.DEFAULT_FAIRNESS_ID
                : fairnessIdHeader;
        return new FlowKey(id, priority);
    }
}
