package io.infergate.gateway.config;

import io.infergate.scheduler.model.PoolModels;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.util.Objects;

/**
 * One InferencePool as the data plane uses it: model resolution, the ready endpoints and how to schedule among
 * them, all compiled from one manifest set. Immutable; replaced as a whole on reload.
 *
 * @param schedulingProfile the built-in profile named by the pool's {@value #PROFILE_ANNOTATION} annotation, or
 *                          empty for the gateway's default
 */
public record PoolRuntime(PoolId id, PoolModels models, PoolSnapshot snapshot, String schedulingProfile) {

    /** The InferencePool annotation that chooses a built-in scheduling profile. */
    public static final String PROFILE_ANNOTATION = "infergate.io/scheduling-profile";

    public PoolRuntime {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(schedulingProfile, "schedulingProfile");
    }
}
