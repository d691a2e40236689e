package io.infergate.scheduler.pick;

import io.infergate.api.model.PoolEndpoint;
import java.util.Map;
import java.util.Objects;

/**
 * One ready endpoint of a pool as pickers see it: a model-server address plus the labels of the Pod behind it
 * (for example {@code inference.networking.k8s.io/engine-type}). Immutable.
 *
 * @param name   {@code <pod>-rank-<i>}, unique within the pool
 * @param host   the IP address (IPv6 without brackets)
 * @param port   the target port, 1..65535
 * @param labels the Pod's labels; empty when the endpoint came from an EndpointSlice
 * @param source the pool endpoint this was built from
 * @param hostPort {@code host:port} with brackets around IPv6 hosts, as {@code x-gateway-destination-endpoint}
 *                 spells it; also the key of the endpoint's in-flight counter and prefix-index entry (the load is on
 *                 the address, whatever its name); must equal {@code source.hostPort()}
 */
public record Endpoint(
        String name, String host, int port, Map<String, String> labels, PoolEndpoint source, String hostPort) {

    /** The endpoint with its {@link #hostPort()} computed once (it keys every per-endpoint map on the hot path). */
    public Endpoint(String name, String host, int port, Map<String, String> labels, PoolEndpoint source) {
        this(name, host, port, labels, source, source.hostPort());
    }

    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        labels = Map.copyOf(labels);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(hostPort, "hostPort");
    }

    public static Endpoint of(PoolEndpoint e, Map<String, String> labels) {
        return new Endpoint(e.name(), e.address(), e.port(), labels, e);
    }
}
