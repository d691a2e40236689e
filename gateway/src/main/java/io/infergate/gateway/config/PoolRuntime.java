package io.infergate.gateway.config;

import io.infergate.scheduler.model.PoolModels;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.api.model.EndpointPickerConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * One InferencePool as the data plane uses it: model resolution, the ready endpoints and how to schedule among
 * them, all compiled from one manifest set. Immutable; replaced as a whole on reload.
 *
 * @param schedulingProfile what the pool's {@value #PROFILE_ANNOTATION} annotation names: a built-in profile, or
 *                          an EndpointPickerConfig of the manifest set (then {@code pickerConfig} is present);
 *                          empty for the gateway's default
 * @param pickerConfig      the EndpointPickerConfig the annotation names, validated and buildable
 * @param flowControl       whether requests queue in flow control when the pool is saturated (annotation
 *                          {@value #FLOW_CONTROL_ANNOTATION}{@code : "true"}) instead of only shedding
 */
public record PoolRuntime(PoolId id, PoolModels models, PoolSnapshot snapshot, String schedulingProfile,
                          Optional<EndpointPickerConfig> pickerConfig, boolean flowControl) {

    /** The InferencePool annotation that turns flow control on ({@code "true"}) for the pool. */
    public static final String FLOW_CONTROL_ANNOTATION = "infergate.io/flow-control";

    /** The InferencePool annotation that chooses a built-in scheduling profile. */
    public static final String PROFILE_ANNOTATION = "infergate.io/scheduling-profile";

    public PoolRuntime {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(schedulingProfile, "schedulingProfile");
        Objects.requireNonNull(pickerConfig, "pickerConfig");
    }
}
