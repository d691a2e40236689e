package io.infergate.simulator.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * An error as vLLM's OpenAI server returns it. Current vLLM (since v0.10's {@code ErrorInfo}) nests it:
 * {@code {"error": {"message": ..., "type": ..., "param": ..., "code": <HTTP status as an int>}}}; older
 * releases used a flat {@code {"object": "error", "message", "type", "param", "code"}}. We emit the nested
 * form, which is also what OpenAI itself and the official SDKs parse.
 *
 * <p>Every error response of the simulator's OpenAI surface is built from one of these, and
 * {@link HttpResponses#error} is the one place that turns it into bytes.
 *
 * @param status  the HTTP status, also sent as {@code code}
 * @param type    vLLM's error type name ({@code BadRequestError}, {@code NotFoundError}, ...)
 * @param message the human-readable message
 * @param param   the offending request field, or null
 */
public record ApiError(int status, String type, String message, String param) {

    public ApiError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
        }
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "BadRequestError", message, null);
    }

    public static ApiError badRequest(String message, String param) {
        return new ApiError(400, "BadRequestError", message, param);
    }

    /** vLLM's answer for a {@code model} that is neither the served model nor a loaded adapter. */
    public static ApiError modelNotFound(String model) {
        return new ApiError(404, "NotFoundError", "The model `" + model + "` does not exist.", "model");
    }

    public static ApiError payloadTooLarge(int limitBytes) {
        return new ApiError(
                413, "PayloadTooLargeError", "Request body exceeds the limit of " + limitBytes + " bytes.", null);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "InternalServerError", message, null);
    }

    /** The body of an error injected by a fault: shaped like what a real overloaded or failing server sends. */
    public static ApiError injected(int status) {
        return switch (status) {
            case 429 ->
                new ApiError(
                        429,
                        "RateLimitError",
                        "Rate limit reached: too many requests (injected by the simulator).",
                        null);
            case 503 ->
                new ApiError(
                        503,
                        "ServiceUnavailableError",
                        "The server is overloaded or not ready yet (injected by the simulator).",
                        null);
            case 500 -> internal("Internal server error (injected by the simulator).");
            default ->
                new ApiError(
                        status,
                        status < 500 ? "BadRequestError" : "InternalServerError",
                        HttpResponseStatus.valueOf(status).reasonPhrase() + " (injected by the simulator).",
                        null);
        };
    }
}
