package io.infergate.api.model;

/**
 * A reference from an InferenceModel, InferenceObjective or InferenceModelRewrite to an InferencePool in the
 * same namespace. The group default depends on the referring kind (InferenceModel:
 * {@code inference.networking.x-k8s.io}; the others: {@code inference.networking.k8s.io}) and is applied by the
 * loader.
 */
public record PoolRef(String group, String kind, String name) {
    public PoolRef {
        Copies.str(group, "group");
        Copies.str(kind, "kind");
        Copies.str(name, "name");
    }
}
