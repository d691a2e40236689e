package io.infergate.scheduler.pick;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one {@link EndpointPicker#pick}: a closed set in the manner of grpc-java's {@code PickResult},
 * so the data plane (and the ext_proc front) switch over it exhaustively and map it to a response in one place.
 * Immutable values.
 */
public sealed interface PickResult permits PickResult.Picked, PickResult.Rejected {

    /**
     * Send the request to {@code endpoints.get(0)}; the rest are fallbacks, in order, for a retry after a
     * connection failure or a 5xx before the first byte reached the client.
     *
     * @param endpoints at least one, no duplicates expected
     */
    record Picked(List<Endpoint> endpoints) implements PickResult {
        public Picked {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints: empty (expected: at least 1)");
            }
        }

        public Endpoint preferred() {
            return endpoints.get(0);
        }
    }

    /**
     * Do not send the request: answer with this status (503 no ready endpoint, 429 shed) and message.
     *
     * @param httpStatus 400..599
     */
    record Rejected(int httpStatus, String message) implements PickResult {
        public Rejected {
            if (httpStatus < 400 || httpStatus > 599) {
                throw new IllegalArgumentException("httpStatus: " + httpStatus + " (expected: 400..599)");
            }
            Objects.requireNonNull(message, "message");
        }
    }

    static Picked picked(List<Endpoint> endpoints) {
        return new Picked(endpoints);
    }

    static Rejected rejected(int httpStatus, String message) {
        return new Rejected(httpStatus, message);
    }

    /** 503: the pool has no ready endpoint. */
    static Rejected noReadyEndpoint(PoolId pool) {
        return new Rejected(503, "no ready endpoint in InferencePool " + pool);
    }
}
