package io.infergate.scheduler.pipeline;

import io.infergate.scheduler.model.ModelHeaders;
import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.Endpoint;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * One request as a transport hands it to {@link RequestPipeline}: the scanned OpenAI body and the control headers,
 * already read off the wire (the transport owns parsing, because {@code serve} and {@code epp} answer a body that
 * does not parse differently). Immutable apart from the arrays, which the pipeline only reads and which must not
 * change until the decision has been acted on.
 *
 * @param requestId   the {@code x-request-id}; not null
 * @param scanned     the body's top-level fields, or null for a request that was not scanned (not JSON); a
 *                    request without a {@code model} is forwarded without model resolution
 * @param body        the array the body sits in, or null when the body is not addressable as an array (no prompt
 *                    bytes for prefix hashing then)
 * @param bodyOffset  where the body starts in {@code body}
 * @param bodyLength  the body's length in bytes, >= 0
 * @param rewriteHeader   {@code x-gateway-model-name-rewrite}, or null
 * @param objectiveHeader {@code x-gateway-inference-objective}, or null
 * @param fairnessId  {@code x-gateway-inference-fairness-id}, or null / blank for the default flow
 * @param sessionId   the session id for session affinity ({@code ""} for none); not null
 * @param explain     whether the decision should carry the picker's per-scorer explanation
 * @param candidates  narrows the pool's endpoints for this request (ext_proc's subset hint), or null for all of
 *                    them; a request left with none is refused
 * @param random      the request's random source (weighted target models)
 * @param executor    where a queued request's outcome is delivered (the caller's event loop, or
 *                    {@code Runnable::run})
 */
public record ParsedRequest(
        String requestId,
        ScannedRequest scanned,
        byte[] body,
        int bodyOffset,
        int bodyLength,
        String rewriteHeader,
        String objectiveHeader,
        String fairnessId,
        String sessionId,
        boolean explain,
        UnaryOperator<List<Endpoint>> candidates,
        RandomGenerator random,
        Executor executor) {

    /** The request id header; a transport generates one when the client sent none. */
    public static final String REQUEST_ID_HEADER = "x-request-id";
    /** The session-affinity header ({@link #sessionId}). */
    public static final String SESSION_ID_HEADER = "x-session-id";

    public ParsedRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(executor, "executor");
        if (bodyLength < 0 || bodyOffset < 0 || (body != null && bodyOffset + bodyLength > body.length)) {
            throw new IllegalArgumentException("body range " + bodyOffset + "+" + bodyLength + " (expected: inside "
                    + (body == null ? "a non-negative range" : "an array of " + body.length) + ")");
        }
    }

    /** The flow the request is queued and scheduled in: its fairness id, or the default one. */
    public String flowId() {
        return fairnessId == null || fairnessId.isBlank() ? ModelHeaders.DEFAULT_FAIRNESS_ID : fairnessId;
    }

    /** Whether the body named a model (and so goes through model resolution). */
    public boolean hasModel() {
        return scanned != null && scanned.hasModel();
    }
}
