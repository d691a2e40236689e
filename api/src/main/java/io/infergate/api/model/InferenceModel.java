package io.infergate.api.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An {@code inference.networking.x-k8s.io/v1alpha2} InferenceModel (the v0.x API): maps a client-facing model
 * name onto target models of one pool, with a criticality. Immutable.
 *
 * <p>When two InferenceModels in one pool claim the same {@code modelName}, the oldest
 * ({@link Resource#OLDEST_FIRST}) wins; the validator warns about the loser and
 * {@link ManifestSet#effectiveInferenceModels()} leaves it out.
 *
 * @param criticality empty when unset; consumers treat that as {@link Criticality#STANDARD}
 */
public record InferenceModel(
        ObjectMeta metadata,
        Origin origin,
        String modelName,
        Optional<Criticality> criticality,
        PoolRef poolRef,
        List<TargetModel> targetModels)
        implements Resource {

    public static final String KIND = "InferenceModel";

    public InferenceModel {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Copies.str(modelName, "modelName");
        Objects.requireNonNull(criticality, "criticality");
        Objects.requireNonNull(poolRef, "poolRef");
        targetModels = Copies.list(targetModels, "targetModels");
    }

    @Override
    public String apiVersion() {
        return ApiGroups.INFERENCE_X_V1ALPHA2;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The criticality with the CRD's "treat unset as Standard" applied. */
    public Criticality effectiveCriticality() {
        return criticality.orElse(Criticality.STANDARD);
    }

    public enum Criticality {
        CRITICAL("Critical"),
        STANDARD("Standard"),
        SHEDDABLE("Sheddable");

        private final String yaml;

        Criticality(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    /**
     * @param weight empty when unset; weights are all-or-none within one InferenceModel, and with none set the
     *               choice is uniform
     */
    public record TargetModel(String name, OptionalInt weight) {
        public TargetModel {
            Copies.str(name, "name");
            Objects.requireNonNull(weight, "weight");
        }
    }
}
