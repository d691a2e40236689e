package io.infergate.api.model;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A route's {@code backendRefs[]} entry, defaulted: group {@code ""}, kind {@code Service}, namespace = the
 * route's namespace, weight 1. For an InferencePool the {@code port} is ignored (the pool's targetPorts decide).
 *
 * @param weight 0..1,000,000; 0 means "send nothing here"
 */
public record BackendRef(String group, String kind, String namespace, String name, OptionalInt port, int weight) {
    public BackendRef {
        Copies.str(group, "group");
        Copies.str(kind, "kind");
        Copies.str(namespace, "namespace");
        Copies.str(name, "name");
        Objects.requireNonNull(port, "port");
    }

    public boolean isInferencePool() {
        return InferencePool.KIND.equals(kind) && (group.isEmpty() || ApiGroups.isInferencePoolGroup(group));
    }

    public boolean isService() {
        return Service.KIND.equals(kind) && group.isEmpty();
    }
}
