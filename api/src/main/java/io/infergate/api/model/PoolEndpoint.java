package io.infergate.api.model;

import java.util.Objects;

/**
 * One endpoint of an InferencePool: a ready pod (or EndpointSlice address) times one target port.
 *
 * @param name    {@code <pod>-rank-<i>}, i the index of the port in targetPorts, as the reference EPP names them
 * @param source  the Pod or EndpointSlice name
 * @param address the IP address
 * @param port    the target port
 * @param rank    index of the port in the pool's targetPorts (the data-parallel rank)
 */
public record PoolEndpoint(String name, String source, String address, int port, int rank) {
    public PoolEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    /** {@code address:port}, with brackets for IPv6. */
    public String hostPort() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
