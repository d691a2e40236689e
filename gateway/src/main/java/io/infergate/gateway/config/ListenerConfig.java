package io.infergate.gateway.config;

import io.infergate.api.model.ListenerLimits;
import io.infergate.gateway.EdgeLimits;
import io.infergate.gateway.route.RouteTable;
import io.infergate.gateway.route.TcpRouteTable;
import io.infergate.scheduler.pick.PoolId;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Gateway listener, compiled: what to bind and how to serve it. Immutable; read by event loops without locks.
 *
 * @param id        {@code namespace/gateway/listener}, unique across the configuration
 * @param protocol  {@code HTTP}, {@code HTTPS} or {@code TCP}
 * @param port      the port the manifest asks for (the server may map it, see
 *                  {@link io.infergate.gateway.GatewayOptions#portMapper()})
 * @param hostname  the listener's hostname (exact or {@code *.suffix}, lower case); empty = every host. Listeners
 *                  on one port are told apart by it, see {@link ListenerGroup}
 * @param routes    the HTTPRoute table (HTTP and HTTPS listeners only)
 * @param tcpRoutes the TCPRoute table (TCP listeners only)
 * @param ssl       the server TLS context (HTTPS listeners only; present whenever the protocol is HTTPS)
 * @param pools     the InferencePools some attached route can reach, for {@code GET /v1/models}
 * @param limits    the client-side limits its Gateway's annotations set ({@link ListenerLimits}: connections,
 *                  HTTP/2 streams, request-header and body-read timeouts); an absent one is the gateway-wide
 *                  {@link EdgeLimits} value
 */
public record ListenerConfig(
        String id,
        String protocol,
        int port,
        Optional<String> hostname,
        Optional<RouteTable> routes,
        Optional<TcpRouteTable> tcpRoutes,
        Optional<SslContext> ssl,
        List<PoolId> pools,
        ListenerLimits limits) {

    public ListenerConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(tcpRoutes, "tcpRoutes");
        Objects.requireNonNull(ssl, "ssl");
        pools = List.copyOf(pools);
        Objects.requireNonNull(limits, "limits");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        boolean tcp = "TCP".equals(protocol);
        if (tcp ? tcpRoutes.isEmpty() || routes.isPresent() : routes.isEmpty() || tcpRoutes.isPresent()) {
            throw new IllegalArgumentException("listener " + id + ": protocol " + protocol
                    + " (expected: a RouteTable for HTTP/HTTPS, a TcpRouteTable for TCP)");
        }
        if ("HTTPS".equals(protocol) != ssl.isPresent()) {
            throw new IllegalArgumentException("listener " + id + ": protocol " + protocol
                    + " (expected: an SslContext exactly when the protocol is HTTPS)");
        }
    }

    public boolean isTcp() {
        return "TCP".equals(protocol);
    }
}
