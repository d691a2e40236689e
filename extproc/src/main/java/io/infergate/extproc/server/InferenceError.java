package io.infergate.extproc.server;

import java.util.Objects;

/**
 * A request the picker refuses, answered as an ext_proc {@code ImmediateResponse} with the reference picker's
 * status code and body text {@code "inference error: <Code> - <message>"} (GIE v1.5.0 {@code
 * pkg/common/error/error.go}). The one place codes map to HTTP statuses.
 */
public final class InferenceError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The reference picker's error codes, with the HTTP status each is answered with. */
    public enum Code {
        BAD_REQUEST("BadRequest", 400),
        NOT_FOUND("NotFound", 404),
        PAYLOAD_TOO_LARGE("PayloadTooLarge", 413),
        RESOURCE_EXHAUSTED("ResourceExhausted", 429),
        INTERNAL("Internal", 500),
        SERVICE_UNAVAILABLE("ServiceUnavailable", 503);

        private final String wire;
        private final int httpStatus;

        Code(String wire, int httpStatus) {
            this.wire = wire;
            this.httpStatus = httpStatus;
        }

        public String wire() {
            return wire;
        }

        public int httpStatus() {
            return httpStatus;
        }

        /** The code a scheduler or flow-control rejection with this HTTP status is reported with. */
        public static Code ofStatus(int status) {
            for (Code c : values()) {
                if (c.httpStatus == status) {
                    return c;
                }
            }
            return status >= 500 ? INTERNAL : BAD_REQUEST;
        }
    }

    private final Code code;

    public InferenceError(Code code, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    public int httpStatus() {
        return code.httpStatus();
    }

    /** The body of the immediate response. */
    public String body() {
        return "inference error: " + code.wire() + " - " + getMessage();
    }
}
