package io.infergate.gateway;

/**
 * What happened to one HTTP request, for access logs and metrics. Immutable.
 *
 * @param requestId        the {@code x-request-id} (the client's, or generated)
 * @param listener         the listener id, {@code namespace/gateway/listener}
 * @param incomingModel    the body's {@code model}, or null when the request had none
 * @param targetModel      the model name sent upstream, or null when no model was resolved
 * @param pool             {@code namespace/name} of the InferencePool, or null (Service backend, or failed early)
 * @param endpoint         {@code host:port} of the last upstream tried, or null when none was
 * @param status           the status sent to the client; 499 when the client went away before the end
 * @param ttftNanos        time to first token: request received to the moment the first non-empty body chunk of a
 *                         streamed ({@code text/event-stream}) response is handed to the client connection
 *                         (written, not necessarily flushed yet); -1 for a non-streamed response, whose body the
 *                         model server sends only after the last token, and when no body byte was sent
 * @param durationNanos    request received to the end of the response
 * @param promptTokens     from the response's {@code usage}, -1 when unknown
 * @param completionTokens from {@code usage}, or counted from streamed content events; -1 when unknown
 * @param priority         the resolved priority (0 when none applied)
 * @param errorType        the OpenAI error type of a gateway-generated error or failure, null on success
 * @param attempts         upstream attempts made (0 when the gateway answered itself)
 * @param objectiveRefused whether the client named an {@code x-gateway-inference-objective} that the pool's
 *                         client-objectives setting did not let it choose (the model's priority applied)
 */
public record RequestRecord(
        String requestId,
        String listener,
        String method,
        String path,
        String incomingModel,
        String targetModel,
        String pool,
        String endpoint,
        int status,
        long ttftNanos,
        long durationNanos,
        int promptTokens,
        int completionTokens,
        int priority,
        String errorType,
        int attempts,
        boolean objectiveRefused) {

    /** A record without a refused client objective. */
    public RequestRecord(
            String requestId,
            String listener,
            String method,
            String path,
            String incomingModel,
            String targetModel,
            String pool,
            String endpoint,
            int status,
            long ttftNanos,
            long durationNanos,
            int promptTokens,
            int completionTokens,
            int priority,
            String errorType,
            int attempts) {
        this(
                requestId,
                listener,
                method,
                path,
                incomingModel,
                targetModel,
                pool,
                endpoint,
                status,
                ttftNanos,
                durationNanos,
                promptTokens,
                completionTokens,
                priority,
                errorType,
                attempts,
                false);
    }
}
