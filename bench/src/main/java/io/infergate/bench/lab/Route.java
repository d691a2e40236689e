package io.infergate.bench.lab;

import java.util.Objects;

/**
 * A {@link LabPolicy}'s answer: an endpoint index, or a refusal. Immutable.
 *
 * @param endpoint index into {@link LabView#endpoints()}, or -1 when refused
 * @param status   200 when routed; the HTTP status of the refusal otherwise (429 shed, 503 nothing available)
 * @param reason   why it was refused; empty when routed
 */
public record Route(int endpoint, int status, String reason) {

    public Route {
        Objects.requireNonNull(reason, "reason");
        if ((endpoint >= 0) != (status == 200)) {
            throw new IllegalArgumentException("endpoint " + endpoint + " with status " + status
                    + " (expected: an endpoint with 200, or -1 with a refusal status)");
        }
    }

    public static Route to(int endpoint) {
        if (endpoint < 0) {
            throw new IllegalArgumentException("endpoint: " + endpoint + " (expected: >= 0)");
        }
        return new Route(endpoint, 200, "");
    }

    public static Route refused(int status, String reason) {
        return new Route(-1, status, reason);
    }

    public boolean routed() {
        return endpoint >= 0;
    }
}
