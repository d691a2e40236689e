package io.infergate.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code gateway.networking.k8s.io/v1} Gateway: the listeners the standalone gateway opens. Immutable.
 *
 * @param gatewayClassName kept for fidelity; standalone mode serves every Gateway regardless of class
 */
public record Gateway(ObjectMeta metadata, Origin origin, String gatewayClassName, List<Listener> listeners)
        implements Resource {

    public static final String KIND = "Gateway";
    /**
     * The annotation that caps open client connections per listener of this Gateway (a positive integer); read by
     * {@code serve} ({@code gateway/.../EdgeLimits}), checked by validation. The other per-listener limits are in
     * {@link ListenerLimits}.
     */
    public static final String MAX_CONNECTIONS_ANNOTATION = "infergate.io/max-connections";

    public Gateway {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Copies.str(gatewayClassName, "gatewayClassName");
        listeners = Copies.list(listeners, "listeners");
    }

    @Override
    public String apiVersion() {
        return ApiGroups.GATEWAY_V1;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public Optional<Listener> listener(String sectionName) {
        return listeners.stream().filter(l -> l.name().equals(sectionName)).findFirst();
    }

    /**
     * One listener. Protocol and hostname decide which routes may attach (HTTP/HTTPS take HTTPRoutes, TCP takes
     * TCPRoutes).
     *
     * @param hostname   empty = any host; may start with {@code *.}
     * @param tls        present only for HTTPS
     * @param allowedRoutes defaulted to {@code namespaces.from: Same} and the kinds the protocol supports
     */
    public record Listener(
            String name,
            Protocol protocol,
            int port,
            Optional<String> hostname,
            Optional<ListenerTls> tls,
            AllowedRoutes allowedRoutes) {
        public Listener {
            Copies.str(name, "name");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(allowedRoutes, "allowedRoutes");
        }
    }

    /** Listener protocols the standalone gateway serves; others (TLS, UDP) are rejected at load time. */
    public enum Protocol {
        HTTP,
        HTTPS,
        TCP;

        /** The route kind that attaches to a listener of this protocol. */
        public String routeKind() {
            return this == TCP ? TcpRoute.KIND : HttpRoute.KIND;
        }
    }

    /**
     * TLS settings of an HTTPS listener. Only {@code mode: Terminate} is supported. Each certificate reference
     * names a {@link Secret} of type {@code kubernetes.io/tls} in the manifests (see {@link Secret} for how
     * certificates are given without a cluster).
     */
    public record ListenerTls(List<SecretRef> certificateRefs) {
        public ListenerTls {
            certificateRefs = Copies.list(certificateRefs, "certificateRefs");
        }
    }

    /**
     * A reference to a Secret. {@code namespace} is already defaulted to the Gateway's namespace.
     */
    public record SecretRef(String group, String kind, String name, String namespace) {
        public SecretRef {
            Copies.str(group, "group");
            Copies.str(kind, "kind");
            Copies.str(name, "name");
            Copies.str(namespace, "namespace");
        }
    }

    /** Where routes may attach from. */
    public enum FromNamespaces {
        SAME,
        ALL,
        SELECTOR
    }

    /**
     * @param selectorLabels {@code namespaces.selector.matchLabels}; namespaces have no labels in standalone
     *                       mode, so a selector matches only when empty (documented decision)
     * @param kinds          allowed route kinds; empty means "the kinds the protocol supports"
     */
    public record AllowedRoutes(FromNamespaces from, Map<String, String> selectorLabels, List<RouteGroupKind> kinds) {
        public static final AllowedRoutes SAME_NAMESPACE = new AllowedRoutes(FromNamespaces.SAME, Map.of(), List.of());

        public AllowedRoutes {
            Objects.requireNonNull(from, "from");
            selectorLabels = Copies.map(selectorLabels, "selectorLabels");
            kinds = Copies.list(kinds, "kinds");
        }
    }

    /** @param group defaulted to {@code gateway.networking.k8s.io} */
    public record RouteGroupKind(String group, String kind) {
        public RouteGroupKind {
            Copies.str(group, "group");
            Copies.str(kind, "kind");
        }
    }
}
