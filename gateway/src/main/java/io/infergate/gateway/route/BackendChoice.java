package io.infergate.gateway.route;

import io.infergate.api.model.HttpRoute;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link BackendSet#choose}: a backend, or a reason the request cannot be forwarded (the Gateway
 * API asks for a 500 in every such case). Instances are created at compile time, so choosing allocates nothing.
 */
public sealed interface BackendChoice {

    /**
     * Forward to this backend.
     *
     * @param filters the header modifiers a request sent to this backend gets, in the order they apply: the rule's
     *                filters, then the backendRef's own ({@code backendRefs[].filters}, which the Gateway API applies
     *                only to requests forwarded to that backend); empty for TCP
     */
    record Picked(Backend backend, List<HttpRoute.Filter> filters) implements BackendChoice {
        public Picked {
            Objects.requireNonNull(backend, "backend");
            filters = List.copyOf(filters);
        }

        /** A backend without filters. */
        public Picked(Backend backend) {
            this(backend, List.of());
        }
    }

    /**
     * Do not forward; answer 500.
     *
     * @param detail names the rule or the backendRef, for the log line
     */
    record Failed(Reason reason, String detail) implements BackendChoice {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Why a request cannot be forwarded. */
    enum Reason {
        /** The rule has no backendRefs. */
        NO_BACKENDS,
        /** Every backendRef has weight 0. */
        ALL_WEIGHTS_ZERO,
        /**
         * The chosen backendRef does not resolve (unknown pool or Service, unsupported kind, Service without a
         * port). The spec asks for 500 on exactly the share of requests that would have gone there.
         */
        INVALID_BACKEND
    }
}
