package io.infergate.gateway.config;

import io.infergate.gateway.route.RouteTable;
import io.infergate.gateway.route.TcpRouteTable;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import io.infergate.scheduler.pick.PoolId;

/**
 * One Gateway listener, compiled: what to bind and how to serve it. Immutable; read by event loops without locks.
 *
 * @param id        {@code namespace/gateway/listener}, unique across the configuration
 * @param protocol  {@code HTTP}, {@code HTTPS} or {@code TCP}
 * @param port      the port the manifest asks for (the server may map it, see
 *                  {@link io.infergate.gateway.GatewayOptions#portMapper()})
 * @param routes    the HTTPRoute table (HTTP and HTTPS listeners only)
 * @param tcpRoutes the TCPRoute table (TCP listeners only)
 * @param ssl       the server TLS context (HTTPS listeners only; present whenever the protocol is HTTPS)
 * @param pools     the InferencePools some attached route can reach, for {@code GET /v1/models}
 */
public record ListenerConfig(String id, String protocol, int port, Optional<RouteTable> routes,
                             Optional<TcpRouteTable> tcpRoutes, Optional<SslContext> ssl, List<PoolId> pools) {

    public ListenerConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(tcpRoutes, "tcpRoutes");
        Objects.requireNonNull(ssl, "ssl");
        pools = List.copyOf(pools);
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

    /**
     * Whether a running socket for {@code previous} can keep serving this listener, swapping only the tables: same
     * protocol and port, and the same TLS context object (a new certificate needs a new context, hence a re-bind).
     */
    public boolean sameSocketAs(ListenerConfig previous) {
        return protocol.equals(previous.protocol) && port == previous.port
                && ssl.orElse(null) == previous.ssl.orElse(null);
    }
}
