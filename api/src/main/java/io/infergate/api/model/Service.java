package io.infergate.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A core {@code v1} Service: a route backend (plain L7 or TCP round-robin) or an endpoint picker reference.
 * Its endpoints are the ready Pods its selector matches, or the EndpointSlices labelled
 * {@code kubernetes.io/service-name: <name>}. Immutable.
 *
 * @param type ClusterIP (default), NodePort, LoadBalancer or ExternalName; ExternalName Services are refused as
 *             backends and as endpoint pickers
 */
public record Service(ObjectMeta metadata, Origin origin, String type, Map<String, String> selector, List<Port> ports)
        implements Resource {

    public static final String KIND = "Service";

    public Service {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Copies.str(type, "type");
        selector = Copies.map(selector, "selector");
        ports = Copies.list(ports, "ports");
    }

    @Override
    public String apiVersion() {
        return "v1";
    }

    @Override
    public String kind() {
        return KIND;
    }

    public Optional<Port> port(int number) {
        return ports.stream().filter(p -> p.port() == number).findFirst();
    }

    /**
     * @param targetPortNumber the numeric target port (defaults to {@code port}); empty when the target port is
     *                         a named container port, which is resolved from {@code targetPortName}
     */
    public record Port(
            Optional<String> name,
            String protocol,
            int port,
            OptionalInt targetPortNumber,
            Optional<String> targetPortName,
            Optional<String> appProtocol) {
        public Port {
            Objects.requireNonNull(name, "name");
            Copies.str(protocol, "protocol");
            Objects.requireNonNull(targetPortNumber, "targetPortNumber");
            Objects.requireNonNull(targetPortName, "targetPortName");
            Objects.requireNonNull(appProtocol, "appProtocol");
        }
    }
}
