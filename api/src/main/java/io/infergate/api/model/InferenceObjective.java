package io.infergate.api.model;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * An {@code inference.networking.x-k8s.io/v1alpha2} InferenceObjective: a named priority, bound to a request by
 * the {@code x-gateway-inference-objective} header naming {@code metadata.name}. Immutable.
 *
 * @param priority empty when unset (treated as 0); negative means sheddable
 */
public record InferenceObjective(ObjectMeta metadata, Origin origin, OptionalInt priority, PoolRef poolRef)
        implements Resource {

    public static final String KIND = "InferenceObjective";

    public InferenceObjective {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(poolRef, "poolRef");
    }

    @Override
    public String apiVersion() {
        return ApiGroups.INFERENCE_X_V1ALPHA2;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public int effectivePriority() {
        return priority.orElse(0);
    }

    public boolean isSheddable() {
        return effectivePriority() < 0;
    }
}
