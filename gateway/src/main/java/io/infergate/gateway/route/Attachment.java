package io.infergate.gateway.route;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.ParentRef;
import io.infergate.api.model.Resource;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Which routes a listener takes, and in which order routes rank against each other. Stateless.
 */
final class Attachment {

    /**
     * The spec's tie-break between routes: the oldest by {@code creationTimestamp} first, then alphabetical by
     * {@code namespace/name}. Routes without a timestamp count as created after every timestamped route, in
     * document order (as {@link Resource#OLDEST_FIRST} says); two routes with the same timestamp fall to the
     * alphabetical order, which is why this is not simply {@code OLDEST_FIRST}.
     */
    static final Comparator<Resource> ROUTE_RANK = Comparator.comparing(
                    (Resource r) -> r.metadata().creationTimestamp().isEmpty())
            .thenComparing(r -> r.metadata().creationTimestamp().orElse(Instant.EPOCH))
            .thenComparingInt(
                    r -> r.metadata().creationTimestamp().isEmpty() ? r.origin().sequence() : 0)
            .thenComparing(r -> r.metadata().namespace() + "/" + r.metadata().name())
            .thenComparingInt(r -> r.origin().sequence());

    private Attachment() {}

    /**
     * Whether some parentRef of the route names this listener (by Gateway namespace/name, and by sectionName
     * and port when given) and the listener allows the route (protocol, kinds, namespaces). Hostnames are
     * checked separately.
     */
    static boolean attaches(Resource route, List<ParentRef> parents, Gateway gateway, Gateway.Listener listener) {
        for (ParentRef p : parents) {
            if (p.isGateway()
                    && p.namespace().equals(gateway.metadata().namespace())
                    && p.name().equals(gateway.metadata().name())
                    && p.sectionName().map(listener.name()::equals).orElse(true)
                    && (p.port().isEmpty() || p.port().getAsInt() == listener.port())) {
                return allows(gateway, listener, route);
            }
        }
        return false;
    }

    private static boolean allows(Gateway gateway, Gateway.Listener listener, Resource route) {
        if (!listener.protocol().routeKind().equals(route.kind())) {
            return false;
        }
        Gateway.AllowedRoutes allowed = listener.allowedRoutes();
        if (!allowed.kinds().isEmpty()
                && allowed.kinds().stream()
                        .noneMatch(k ->
                                k.group().equals(ApiGroups.GATEWAY) && k.kind().equals(route.kind()))) {
            return false;
        }
        return switch (allowed.from()) {
            case SAME -> gateway.metadata().namespace().equals(route.metadata().namespace());
            case ALL -> true;
            // namespaces carry no labels without a cluster: only an empty selector matches (as the validator says)
            case SELECTOR -> allowed.selectorLabels().isEmpty();
        };
    }
}
