package io.infergate.simulator.http;

import java.util.Objects;

/**
 * Thrown while handling a request to answer it with an {@link ApiError}; the connection handler turns it
 * into the response. Carries no stack trace: it is control flow for bad client input, not a bug.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ApiError error;

    public ApiException(ApiError error) {
        super(error.message(), null, false, false);
        this.error = Objects.requireNonNull(error, "error");
    }

    public ApiError error() {
        return error;
    }
}
