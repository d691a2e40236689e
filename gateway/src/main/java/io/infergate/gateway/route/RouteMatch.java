package io.infergate.gateway.route;

import io.infergate.api.model.HttpRoute;
import java.util.List;
import java.util.Objects;

/**
 * The rule a request matched: where it goes and what to do to it on the way. Built once per rule at compile
 * time and shared by every request the rule serves; immutable.
 *
 * @param filters the rule's filters as declared (header modifiers; empty for TCP). A request is sent with the
 *                chosen backend's {@link BackendChoice.Picked#filters()}, which are these followed by the
 *                backendRef's own.
 */
public record RouteMatch(RouteId route, BackendSet backends, List<HttpRoute.Filter> filters) {

    public RouteMatch {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(backends, "backends");
        filters = List.copyOf(filters);
    }
}
