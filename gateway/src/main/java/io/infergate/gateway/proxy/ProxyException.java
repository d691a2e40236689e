package io.infergate.gateway.proxy;

import io.infergate.scheduler.pipeline.ErrorCode;
import java.util.Objects;

/**
 * A request the gateway answers with an error instead of forwarding. Thrown by {@link RequestRouter} on the event
 * loop and turned into a response by {@link ErrorResponses}, never logged and rethrown. No stack trace: it
 * describes the request, not a bug.
 */
public final class ProxyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode failure;
    private final int status;

    public ProxyException(ErrorCode failure, String message) {
        this(failure, failure.status(), message);
    }

    /** With a status other than the failure's default (a picker rejection carries its own). */
    public ProxyException(ErrorCode failure, int status, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.failure = Objects.requireNonNull(failure, "failure");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
        }
        this.status = status;
    }

    public ErrorCode failure() {
        return failure;
    }

    public int status() {
        return status;
    }
}
