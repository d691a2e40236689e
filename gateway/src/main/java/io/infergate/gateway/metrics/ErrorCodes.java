package io.infergate.gateway.metrics;

import io.infergate.scheduler.pipeline.ErrorCode.ReferenceCode;

/**
 * The {@code error_code} label of {@code *_request_error_total}: the reference EPP's error codes
 * ({@code pkg/common/error}), chosen from the response status, so queries such as
 * {@code error_code="ResourceExhausted"} keep meaning the same thing.
 *
 * <p>The names {@code epp} also answers with are {@link ReferenceCode}'s; the others ({@code Unauthorized},
 * {@code Forbidden}, {@code ModelServerError}, {@code Unknown}) only label metrics. As in the EPP, an error status that came back from the model server itself is {@code ModelServerError},
 * whatever its number; errors the gateway produced map by status. Stateless and thread-safe.
 */
final class ErrorCodes {

    static final String BAD_REQUEST = ReferenceCode.BAD_REQUEST.wire();
    static final String UNAUTHORIZED = "Unauthorized";
    static final String FORBIDDEN = "Forbidden";
    static final String NOT_FOUND = ReferenceCode.NOT_FOUND.wire();
    static final String RESOURCE_EXHAUSTED = ReferenceCode.RESOURCE_EXHAUSTED.wire();
    static final String SERVICE_UNAVAILABLE = ReferenceCode.SERVICE_UNAVAILABLE.wire();
    static final String MODEL_SERVER_ERROR = "ModelServerError";
    static final String INTERNAL = ReferenceCode.INTERNAL.wire();
    static final String UNKNOWN = "Unknown";

    private ErrorCodes() {}

    /**
     * The code of a failed request.
     *
     * @param status       the status the client got (499, the client went away, is {@code Unknown})
     * @param fromUpstream whether the model server produced the error response (the gateway only passed it on)
     */
    static String of(int status, boolean fromUpstream) {
        if (fromUpstream) {
            return MODEL_SERVER_ERROR;
        }
        return switch (status) {
            case 400, 413, 422 -> BAD_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 429 -> RESOURCE_EXHAUSTED;
            case 503 -> SERVICE_UNAVAILABLE;
            // 502 and 504: the upstream failed or timed out before answering
            case 502, 504 -> MODEL_SERVER_ERROR;
            case 500 -> INTERNAL;
            default -> status >= 500 ? INTERNAL : UNKNOWN;
        };
    }
}
