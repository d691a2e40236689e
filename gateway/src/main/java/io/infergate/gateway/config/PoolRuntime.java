package io.infergate.gateway.config;

import io.infergate.api.model.PoolFaultLimits;
import io.infergate.scheduler.model.PoolModels;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.scheduling.config.PoolPickerConfig;
import io.infergate.scheduler.scheduling.config.PoolScheduling;
import io.infergate.scheduler.scheduling.config.PoolSchedulingResolver;
import java.util.Objects;
import java.util.Optional;

/**
 * One InferencePool as the data plane uses it: model resolution, the ready endpoints and how to schedule and admit
 * requests among them, all compiled from one manifest set. Immutable; replaced as a whole on reload.
 *
 * @param scheduling what the pool's {@value #PROFILE_ANNOTATION} and {@value #FLOW_CONTROL_ANNOTATION} annotations
 *                   and the EndpointPickerConfig they name say: profile, flow control, saturation detector, metrics
 *                   extractor ({@link PoolSchedulingResolver})
 * @param picker     which endpoint picker serves the pool: in-process, external over ext_proc, or an invalid
 *                   reference ({@link PickerRef#resolve})
 * @param faults     the outlier-ejection and retry-budget limits the pool's annotations set over the {@code serve}
 *                   flags ({@link PoolFaultLimits}; {@link PoolFaultLimits#NONE}: the flags)
 */
public record PoolRuntime(
        PoolId id,
        PoolModels models,
        PoolSnapshot snapshot,
        PoolScheduling scheduling,
        PickerRef picker,
        PoolFaultLimits faults) {

    /** The InferencePool annotation that turns flow control on ({@code "true"}) for the pool. */
    public static final String FLOW_CONTROL_ANNOTATION = PoolSchedulingResolver.FLOW_CONTROL_ANNOTATION;

    /** The InferencePool annotation that chooses a built-in profile or an EndpointPickerConfig. */
    public static final String PROFILE_ANNOTATION = PoolSchedulingResolver.PROFILE_ANNOTATION;

    public PoolRuntime {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(scheduling, "scheduling");
        Objects.requireNonNull(picker, "picker");
        Objects.requireNonNull(faults, "faults");
    }

    /** A pool without fault-limit annotations: the {@code serve} flags apply. */
    public PoolRuntime(
            PoolId id, PoolModels models, PoolSnapshot snapshot, PoolScheduling scheduling, PickerRef picker) {
        this(id, models, snapshot, scheduling, picker, PoolFaultLimits.NONE);
    }

    /** A pool served by the in-process picker. */
    public PoolRuntime(PoolId id, PoolModels models, PoolSnapshot snapshot, PoolScheduling scheduling) {
        this(id, models, snapshot, scheduling, PickerRef.BuiltIn.INSTANCE);
    }

    /** The profile annotation as written ({@code ""}: the gateway's default profile). */
    public String schedulingProfile() {
        return scheduling.profile();
    }

    /** The EndpointPickerConfig the profile annotation names. */
    public Optional<PoolPickerConfig> pickerConfig() {
        return scheduling.pickerConfig();
    }

    /** Whether requests wait in flow control while the pool is saturated, instead of being shed. */
    public boolean flowControl() {
        return scheduling.flowControl();
    }
}
