package io.infergate.extproc.server;

import io.infergate.scheduler.pipeline.ErrorCode;
import java.util.Objects;

/**
 * A request the picker refuses, answered as an ext_proc {@code ImmediateResponse} with the reference picker's
 * status code and body text {@code "inference error: <Code> - <message>"} (GIE v1.5.0 {@code
 * pkg/common/error/error.go}). The code and status come from the one refusal table, {@link ErrorCode}, which
 * {@code serve} reads too; this class only renders it. No stack trace: it describes the request, not a bug.
 */
public final class InferenceError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final ErrorCode.ReferenceCode reference;

    public InferenceError(ErrorCode code, String message) {
        this(code, code.status(), message);
    }

    /** With a status other than the code's default (a picker or flow-control rejection carries its own). */
    public InferenceError(ErrorCode code, int status, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.reference = ErrorCode.ReferenceCode.ofStatus(status);
    }

    /** The refusal's entry in the table. */
    public ErrorCode code() {
        return code;
    }

    /** The reference picker's code the response carries. */
    public ErrorCode.ReferenceCode reference() {
        return reference;
    }

    /** The status of the immediate response: the reference code's. */
    public int httpStatus() {
        return reference.httpStatus();
    }

    /** The body of the immediate response. */
    public String body() {
        return "inference error: " + reference.wire() + " - " + getMessage();
    }
}
