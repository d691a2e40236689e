package io.infergate.scheduler.pipeline;

/**
 * The refusal table: every way infergate itself answers a request with an error, with its HTTP status and the
 * OpenAI error {@code type} and {@code code}, and ({@link #reference}) the reference endpoint picker's error code an
 * ext_proc {@code ImmediateResponse} carries. Both transports read this one table: {@code serve} renders an entry
 * as an HTTP response with an OpenAI error body ({@code ErrorResponses}), {@code epp} as an {@code ImmediateResponse}
 * ({@code InferenceError}); nothing else maps refusals to statuses.
 *
 * <p>A refusal may carry a status other than its entry's default (a picker's or flow control's rejection keeps its
 * own status); {@link ReferenceCode#ofStatus} then chooses the ext_proc code from that status, as the reference
 * picker does. Immutable; any thread.
 */
public enum ErrorCode {
    /** The request line or headers could not be decoded. */
    BAD_HTTP(400, "invalid_request_error", "bad_request"),
    /**
     * The request target is not a path the gateway forwards: an encoded {@code /} or {@code \\}, a NUL (raw or
     * {@code %00}), a raw backslash, or dot-segments that climb above the root.
     */
    INVALID_PATH(400, "invalid_request_error", "invalid_path"),
    /** An HTTP/1.1 request without a {@code Host} header, or with more than one (RFC 9112 §3.2). */
    INVALID_HOST(400, "invalid_request_error", "invalid_host"),
    /** The request headers, or the next bytes of its body, did not arrive within their timeout. */
    REQUEST_TIMEOUT(408, "invalid_request_error", "request_timeout"),
    /** The body is not a JSON object, or a field the gateway reads has the wrong type. */
    MALFORMED_BODY(400, "invalid_request_error", "invalid_body"),
    /** {@code /v1/chat/completions} or {@code /v1/completions} without a {@code model}. */
    MISSING_MODEL(400, "invalid_request_error", "missing_model"),
    /**
     * The {@code model} cannot be a header value or a name: it holds a control character (U+0000 to U+001F, U+007F)
     * begins or ends with a space, or is longer than {@code ModelNames.MAX_LENGTH} ({@code ModelNames.problem}).
     */
    INVALID_MODEL(400, "invalid_request_error", "invalid_model"),
    /** No HTTPRoute rule matches. */
    NO_ROUTE(404, "invalid_request_error", "route_not_found"),
    /** A strict pool (one with InferenceModels) does not serve this model. */
    UNKNOWN_MODEL(404, "invalid_request_error", "model_not_found"),
    /** The body is larger than {@code maxRequestBodyBytes}. */
    BODY_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
    /** The picker shed the request (priority below the saturation line, or no endpoint fits). */
    SHED(429, "rate_limit_error", "rate_limited"),
    /** An external endpoint picker answered the request itself with a 4xx other than 429 (its status is kept). */
    PICKER_REJECTED(400, "invalid_request_error", "rejected_by_endpoint_picker"),
    /** The chosen backendRef does not resolve, or the rule has none (Gateway API: 500). */
    INVALID_BACKEND(500, "server_error", "invalid_backend"),
    /** A bug: an unexpected exception while handling the request. */
    INTERNAL(500, "server_error", "internal_error"),
    /** Every upstream attempt failed to connect or broke before a response. */
    UPSTREAM_FAILED(502, "server_error", "upstream_failed"),
    /**
     * The model server answered with a 5xx and the request was not tried again (no endpoint left, or the retry
     * budget said no): the client gets this, never the model server's own answer, whose body may say more about the
     * server than a client should learn. The status is {@link #ofUpstreamStatus}'s.
     */
    UPSTREAM_ERROR(502, "server_error", "upstream_error"),
    /** The backend has no ready endpoint, or the listener is being removed / the gateway is shutting down. */
    NO_ENDPOINT(503, "server_error", "no_ready_endpoint"),
    /**
     * The pool's endpoint picker reference is invalid, or its external picker is unreachable, failed, timed out,
     * returned no endpoint of the pool, or answered with a 5xx itself; the pool fails closed.
     */
    PICKER_UNAVAILABLE(503, "server_error", "endpoint_picker_unavailable"),
    /** An external endpoint picker answered with something the protocol does not allow; the pool fails closed. */
    PICKER_MALFORMED(500, "server_error", "endpoint_picker_malformed_response"),
    /**
     * The gateway holds as many request body bytes as its limit allows ({@code --max-buffered-request-bytes}):
     * bodies being received by other requests must finish first.
     */
    OVERLOADED(503, "server_error", "gateway_overloaded"),
    /** The request waited in flow control longer than the TTL (or the queue was shut down). */
    QUEUE_TIMEOUT(503, "server_error", "queue_timeout"),
    /** The upstream connect or the upstream response went idle for longer than the idle timeout. */
    UPSTREAM_TIMEOUT(504, "server_error", "upstream_timeout");

    private final int status;
    private final String type;
    private final String code;

    ErrorCode(int status, String type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The OpenAI error {@code type}. */
    public String type() {
        return type;
    }

    /** The OpenAI error {@code code}. */
    public String code() {
        return code;
    }

    /**
     * Seconds a client is asked to wait before it tries again ({@code Retry-After}), where a refusal says "not now"
     * rather than "not this": one second, about how long a saturated pool takes to finish a batch of requests and so
     * to have room again.
     */
    public static final int RETRY_AFTER_SECONDS = 1;

    /**
     * Whether a refusal answered with {@code status} tells its client when to come back ({@code Retry-After},
     * RFC 9110 §10.2.3): every 429 (shed, or over a queue limit), and the 503s that mean the gateway is busy, not
     * broken ({@link #QUEUE_TIMEOUT}: waited its TTL in flow control; {@link #OVERLOADED}: too many bodies being
     * received). Other 503s (no ready endpoint, picker unavailable) last until an operator or a replica acts, so a
     * retry time would be a guess. {@code serve}'s responses and {@code epp}'s immediate responses both read this.
     */
    public boolean asksToRetryLater(int status) {
        return status == 429 || this == QUEUE_TIMEOUT || this == OVERLOADED;
    }

    /**
     * The status a final upstream 5xx is answered with ({@link #UPSTREAM_ERROR}): 503 and 504 keep their meaning for
     * the client (unavailable for now, timed out), every other status (500, 501, 505 and up, a nonstandard 6xx) is
     * 502, a bad answer from the server behind the gateway (RFC 9110 §15.6.3).
     */
    public static int ofUpstreamStatus(int upstreamStatus) {
        return upstreamStatus == 503 || upstreamStatus == 504 ? upstreamStatus : UPSTREAM_ERROR.status;
    }

    /**
     * A picker's or flow control's rejection of a request it could not place: {@link #SHED} for 429, otherwise
     * {@link #NO_ENDPOINT} (the rejection keeps its own status).
     */
    public static ErrorCode ofRejection(int status) {
        return status == 429 ? SHED : NO_ENDPOINT;
    }

    /**
     * An external endpoint picker's {@code ImmediateResponse} with {@code status}: {@link #SHED} for 429,
     * {@link #PICKER_REJECTED} for another 4xx, {@link #PICKER_UNAVAILABLE} for a 5xx (each keeps the picker's status),
     * or null for a status that is not an error (the data plane then passes the answer on as it is, as Envoy does).
     */
    public static ErrorCode ofPickerAnswer(int status) {
        if (status == 429) {
            return SHED;
        }
        if (status >= 400 && status <= 499) {
            return PICKER_REJECTED;
        }
        if (status >= 500 && status <= 599) {
            return PICKER_UNAVAILABLE;
        }
        return null;
    }

    /**
     * An external endpoint picker that gave no usable decision (unreachable, stream error, no decision within the
     * timeout, cancelled, an empty list or none of the pool's endpoints): {@link #PICKER_UNAVAILABLE}; or one that
     * answered something the protocol does not allow: {@link #PICKER_MALFORMED}. The pool's failure mode decides
     * whether the request is refused with it.
     */
    public static ErrorCode ofPickerFailure(boolean malformed) {
        return malformed ? PICKER_MALFORMED : PICKER_UNAVAILABLE;
    }

    /** The reference picker's error code for this entry with its default status. */
    public ReferenceCode reference() {
        return ReferenceCode.ofStatus(status);
    }

    /**
     * The reference endpoint picker's error codes (GIE v1.5.0 {@code pkg/common/error/error.go}), with the HTTP
     * status each is answered with: what an ext_proc {@code ImmediateResponse} says, as
     * {@code "inference error: <wire> - <message>"}.
     */
    public enum ReferenceCode {
        BAD_REQUEST("BadRequest", 400),
        NOT_FOUND("NotFound", 404),
        PAYLOAD_TOO_LARGE("PayloadTooLarge", 413),
        RESOURCE_EXHAUSTED("ResourceExhausted", 429),
        INTERNAL("Internal", 500),
        SERVICE_UNAVAILABLE("ServiceUnavailable", 503);

        private final String wire;
        private final int httpStatus;

        ReferenceCode(String wire, int httpStatus) {
            this.wire = wire;
            this.httpStatus = httpStatus;
        }

        /** The code's name on the wire, e.g. {@code "ServiceUnavailable"}. */
        public String wire() {
            return wire;
        }

        /** The status the {@code ImmediateResponse} carries. */
        public int httpStatus() {
            return httpStatus;
        }

        /** The code a refusal with this HTTP status is reported with (an unlisted 5xx is Internal, 4xx BadRequest). */
        public static ReferenceCode ofStatus(int status) {
            for (ReferenceCode c : values()) {
                if (c.httpStatus == status) {
                    return c;
                }
            }
            return status >= 500 ? INTERNAL : BAD_REQUEST;
        }
    }
}
