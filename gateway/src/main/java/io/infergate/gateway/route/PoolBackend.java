package io.infergate.gateway.route;

import java.util.Objects;

/**
 * An InferencePool backend. The backendRef's port is ignored: the pool's target ports decide.
 *
 * @param group the pool's API group as resolved against the manifests ({@code inference.networking.k8s.io} or
 *              the legacy {@code inference.networking.x-k8s.io}), also when the backendRef left it empty
 */
public record PoolBackend(String group, String namespace, String name) implements Backend {

    public PoolBackend {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String displayName() {
        return namespace + "/" + name;
    }
}
