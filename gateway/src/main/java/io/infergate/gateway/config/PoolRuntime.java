package io.infergate.gateway.config;

import io.infergate.scheduler.model.PoolModels;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.util.Objects;

/**
 * One InferencePool as the data plane uses it: model resolution and the ready endpoints, both compiled from one
 * manifest set. Immutable; replaced as a whole on reload.
 */
public record PoolRuntime(PoolId id, PoolModels models, PoolSnapshot snapshot) {
    public PoolRuntime {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
