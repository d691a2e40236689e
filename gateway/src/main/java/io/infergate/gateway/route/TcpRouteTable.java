package io.infergate.gateway.route;

import io.infergate.api.model.Gateway;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.TcpRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The TCPRoute serving one TCP listener, compiled. A TCP connection carries nothing to match on, so one rule
 * serves every connection: the first rule of the highest-ranked attached route (oldest, then
 * {@code namespace/name}). Further rules and further routes cannot be told apart from it and are listed in
 * {@link #ignored()} so the caller can log them. Immutable and thread-safe; {@link #target()} never blocks.
 *
 * <p>Backends are Services; anything else, or a Service without a matching port, is an
 * {@link BackendChoice.Reason#INVALID_BACKEND} choice.
 */
public final class TcpRouteTable {

    private final Optional<RouteMatch> target;
    private final List<RouteId> ignored;

    private TcpRouteTable(Optional<RouteMatch> target, List<RouteId> ignored) {
        this.target = target;
        this.ignored = ignored;
    }

    /**
     * Compiles the TCPRoutes of {@code set} that attach to {@code listener} of {@code gateway}.
     *
     * @throws IllegalArgumentException if the listener is not a TCP listener
     */
    public static TcpRouteTable compile(ManifestSet set, Gateway gateway, Gateway.Listener listener) {
        if (listener.protocol() != Gateway.Protocol.TCP) {
            throw new IllegalArgumentException("listener " + listener.name() + ": protocol " + listener.protocol()
                    + " (expected: TCP; use RouteTable)");
        }
        List<TcpRoute> attached = new ArrayList<>();
        for (TcpRoute route : set.tcpRoutes()) {
            if (Attachment.attaches(route, route.parentRefs(), gateway, listener)) {
                attached.add(route);
            }
        }
        attached.sort(Attachment.ROUTE_RANK);
        Optional<RouteMatch> target = Optional.empty();
        List<RouteId> ignored = new ArrayList<>();
        for (TcpRoute route : attached) {
            for (int i = 0; i < route.rules().size(); i++) {
                TcpRoute.Rule rule = route.rules().get(i);
                RouteId id = new RouteId(
                        TcpRoute.KIND,
                        route.metadata().namespace(),
                        route.metadata().name(),
                        i,
                        rule.name().orElse(""));
                if (target.isPresent()) {
                    ignored.add(id);
                    continue;
                }
                BackendSet backends = BackendSet.compile(
                        rule.backendRefs(), set, route.metadata().namespace(), id.toString(), false);
                target = Optional.of(new RouteMatch(id, backends, List.of()));
            }
        }
        return new TcpRouteTable(target, List.copyOf(ignored));
    }

    /** The rule serving every connection, or empty when no route attached (the caller refuses connections). */
    public Optional<RouteMatch> target() {
        return target;
    }

    /** Rules of attached routes that lost to {@link #target()}. */
    public List<RouteId> ignored() {
        return ignored;
    }
}
