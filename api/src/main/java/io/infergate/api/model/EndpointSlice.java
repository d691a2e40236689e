package io.infergate.api.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code discovery.k8s.io/v1} EndpointSlice: another way to declare endpoints without a cluster. It feeds a
 * Service through the label {@code kubernetes.io/service-name}, and an InferencePool when the slice's own
 * labels satisfy the pool selector (the labels stand in for pod labels; each address times each of the pool's
 * target ports is one endpoint, the slice's ports are ignored for pools). Immutable.
 */
public record EndpointSlice(
        ObjectMeta metadata, Origin origin, String addressType, List<Endpoint> endpoints, List<Port> ports)
        implements Resource {

    public static final String KIND = "EndpointSlice";
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public EndpointSlice {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Copies.str(addressType, "addressType");
        endpoints = Copies.list(endpoints, "endpoints");
        ports = Copies.list(ports, "ports");
    }

    @Override
    public String apiVersion() {
        return ApiGroups.DISCOVERY_V1;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** @param ready {@code conditions.ready}; unset means ready, as the EndpointSlice API says */
    public record Endpoint(List<String> addresses, Optional<Boolean> ready, Optional<String> hostname) {
        public Endpoint {
            addresses = Copies.list(addresses, "addresses");
            Objects.requireNonNull(ready, "ready");
            Objects.requireNonNull(hostname, "hostname");
        }

        public boolean isReady() {
            return ready.orElse(true);
        }
    }

    public record Port(Optional<String> name, String protocol, int port, Optional<String> appProtocol) {
        public Port {
            Objects.requireNonNull(name, "name");
            Copies.str(protocol, "protocol");
            Objects.requireNonNull(appProtocol, "appProtocol");
        }
    }
}
