package io.infergate.scheduler.pick;

import io.infergate.api.model.InferencePool;
import java.util.Objects;

/**
 * The identity of an InferencePool: group, namespace and name (a v1 and a legacy pool may share the name).
 * Immutable.
 */
public record PoolId(String group, String namespace, String name) {
    public PoolId {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public static PoolId of(InferencePool pool) {
        return new PoolId(
                pool.group(), pool.metadata().namespace(), pool.metadata().name());
    }

    /** {@code namespace/name}, as messages and logs name a pool. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
