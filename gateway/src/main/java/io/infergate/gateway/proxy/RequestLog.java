package io.infergate.gateway.proxy;

import io.infergate.gateway.RequestRecord;

/**
 * The fields of one {@link RequestRecord} as they become known. Mutable, confined to the client connection's event
 * loop (no need to be volatile: one thread fills and reads it).
 */
final class RequestLog {
    final String requestId;
    String listener; // settled when the body is complete: the listener is chosen by host from the config of then
    final String method;
    final String path;
    final long startNanos;
    String incomingModel;
    String targetModel;
    String pool;
    String endpoint;
    int status;
    long ttftNanos = -1;
    int promptTokens = -1;
    int completionTokens = -1;
    int priority;
    String errorType;
    int attempts;
    boolean objectiveRefused;

    RequestLog(String requestId, String listener, String method, String path, long startNanos) {
        this.requestId = requestId;
        this.listener = listener;
        this.method = method;
        this.path = path;
        this.startNanos = startNanos;
    }

    RequestRecord toRecord(long nowNanos) {
        return new RequestRecord(
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
                nowNanos - startNanos,
                promptTokens,
                completionTokens,
                priority,
                errorType,
                attempts,
                objectiveRefused);
    }
}
