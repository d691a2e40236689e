package io.infergate.api.model;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A route's {@code parentRefs[]} entry. Defaults are applied: group {@code gateway.networking.k8s.io}, kind
 * {@code Gateway}, namespace = the route's namespace.
 *
 * @param sectionName the listener name, empty = all listeners that allow the route
 * @param port        the listener port, empty = any
 */
public record ParentRef(
        String group, String kind, String namespace, String name, Optional<String> sectionName, OptionalInt port) {
    public ParentRef {
        Copies.str(group, "group");
        Copies.str(kind, "kind");
        Copies.str(namespace, "namespace");
        Copies.str(name, "name");
        Objects.requireNonNull(sectionName, "sectionName");
        Objects.requireNonNull(port, "port");
    }

    public boolean isGateway() {
        return ApiGroups.GATEWAY.equals(group) && Gateway.KIND.equals(kind);
    }
}
