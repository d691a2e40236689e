package io.infergate.gateway.config;

import io.infergate.api.model.ListenerLimits;
import io.infergate.gateway.EdgeLimits;
import io.infergate.gateway.route.Hostnames;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The Gateway listeners served by one socket: every listener with the same manifest port (across Gateways), which
 * validation guarantees share one protocol, HTTP or HTTPS, and differ in hostname (a TCP port, or port 0, is a
 * group of one). A request is served by the listener whose hostname matches its host most specifically, as the
 * Gateway API orders them: an exact hostname, then the wildcard with the longest suffix, then the listener without
 * a hostname. On HTTPS the TLS certificate is chosen the same way from the SNI name, before any request.
 *
 * <p>Immutable; {@link #select} and {@link #sslFor} run on event loops and allocate nothing for a lower-case host.
 *
 * @param key       what identifies the socket across reloads: {@code port/8080}, or {@code listener/<id>} for
 *                  port 0 (each such listener gets its own ephemeral port)
 * @param port      the manifest port
 * @param protocol  {@code HTTP}, {@code HTTPS} or {@code TCP}
 * @param listeners most specific hostname first
 */
public record ListenerGroup(String key, int port, String protocol, List<ListenerConfig> listeners) {

    private static final Comparator<ListenerConfig> MOST_SPECIFIC_FIRST = Comparator.comparingInt(
                    (ListenerConfig l) -> l.hostname().isEmpty()
                            ? 2
                            : Hostnames.isWildcard(l.hostname().get()) ? 1 : 0)
            .thenComparing(Comparator.comparingInt((ListenerConfig l) ->
                            l.hostname().map(String::length).orElse(0))
                    .reversed());

    public ListenerGroup {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(protocol, "protocol");
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("group " + key + " has no listener");
        }
        List<ListenerConfig> sorted = new ArrayList<>(listeners);
        sorted.sort(MOST_SPECIFIC_FIRST);
        for (ListenerConfig l : sorted) {
            if (!l.protocol().equals(protocol) || l.port() != port) {
                throw new IllegalArgumentException("listener " + l.id() + " (" + l.protocol() + " " + l.port()
                        + ") cannot share the socket of group " + key + " (" + protocol + " " + port + ")");
            }
        }
        if (sorted.size() > 1 && "TCP".equals(protocol)) {
            throw new IllegalArgumentException("group " + key + ": TCP listeners cannot share a port");
        }
        listeners = List.copyOf(sorted);
    }

    /**
     * The cap on open connections to this socket: the smallest {@link ListenerLimits#maxConnections()} among its
     * listeners, else {@code fallback} (the gateway-wide limit).
     */
    public int maxConnections(int fallback) {
        return smallest(ListenerLimits::maxConnections, fallback);
    }

    /**
     * The limits a connection to this socket gets: each one the smallest its listeners' Gateway annotations set
     * ({@link ListenerConfig#limits()}), else the gateway-wide one. The smallest, because listeners sharing a port
     * share connections: a connection's limits apply before its request names a host. Called per connection, on
     * its event loop.
     */
    public EdgeLimits limits(EdgeLimits gatewayWide) {
        return gatewayWide
                .withMaxConnections(maxConnections(gatewayWide.maxConnections()))
                .withMaxConcurrentStreams(
                        smallest(ListenerLimits::maxConcurrentStreams, gatewayWide.maxConcurrentStreams()))
                .withRequestHeaderTimeout(
                        shortest(ListenerLimits::requestHeaderTimeout, gatewayWide.requestHeaderTimeout()))
                .withBodyReadTimeout(shortest(ListenerLimits::bodyReadTimeout, gatewayWide.bodyReadTimeout()));
    }

    private int smallest(Function<ListenerLimits, OptionalInt> limit, int fallback) {
        return listeners.stream()
                .map(l -> limit.apply(l.limits()))
                .filter(OptionalInt::isPresent)
                .mapToInt(OptionalInt::getAsInt)
                .min()
                .orElse(fallback);
    }

    private Duration shortest(Function<ListenerLimits, Optional<Duration>> limit, Duration fallback) {
        return listeners.stream()
                .map(l -> limit.apply(l.limits()))
                .flatMap(Optional::stream)
                .min(Comparator.naturalOrder())
                .orElse(fallback);
    }

    /** The key of the socket that serves {@code listener}. */
    static String keyOf(ListenerConfig listener) {
        return listener.port() == 0 ? "listener/" + listener.id() : "port/" + listener.port();
    }

    public boolean isTcp() {
        return "TCP".equals(protocol);
    }

    public boolean isHttps() {
        return "HTTPS".equals(protocol);
    }

    /** The listener that binds the socket's port (the first: port mapping and logging use one listener). */
    public ListenerConfig first() {
        return listeners.get(0);
    }

    /**
     * The listener serving a request for {@code authority} (a Host header or {@code :authority}, with or without a
     * port; null or empty when the request had none), or null when no listener accepts that host.
     */
    public ListenerConfig select(String authority) {
        String host = authority == null ? "" : Hostnames.requestHost(authority);
        for (ListenerConfig l : listeners) {
            if (accepts(l, host)) {
                return l;
            }
        }
        return null;
    }

    /**
     * The TLS context for a client's SNI name (null when it sent none): the certificate of the listener that
     * would serve that host, else the catch-all listener's, else the most specific listener's, so a client that
     * sends no or an unknown name still completes the handshake and then gets a clear 404 for its host.
     */
    public SslContext sslFor(String sniHost) {
        ListenerConfig chosen = sniHost == null ? null : select(sniHost);
        if (chosen == null) {
            chosen = listeners.get(listeners.size() - 1); // the catch-all when there is one (sorted last)
        }
        return chosen.ssl().orElseThrow(() -> new IllegalStateException("group " + key + " is not HTTPS"));
    }

    private static boolean accepts(ListenerConfig l, String host) {
        if (l.hostname().isEmpty()) {
            return true;
        }
        String name = l.hostname().get();
        return Hostnames.isWildcard(name) ? Hostnames.wildcardCovers(name, host) : name.equals(host);
    }
}
