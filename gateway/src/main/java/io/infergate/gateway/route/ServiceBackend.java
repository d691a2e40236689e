package io.infergate.gateway.route;

import java.util.Objects;

/** A Service backend: a Service port, resolved to endpoints by the upstream layer. */
public record ServiceBackend(String namespace, String name, int port) implements Backend {

    public ServiceBackend {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    @Override
    public String displayName() {
        return namespace + "/" + name + ":" + port;
    }
}
