package io.infergate.gateway.config;

import io.infergate.api.model.BbrConfigMap;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferenceModelRewrite;
import io.infergate.api.model.InferenceObjective;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The model names a configuration declares, the only client-derived strings allowed to become metric label values:
 * InferenceModel {@code modelName}s and their {@code targetModels}, InferenceModelRewrite {@code matches} and
 * {@code modelRewrite} targets, InferenceObjective names, InferencePool names, and the base models and adapters of
 * the bbr-managed ConfigMaps. Any other name a request carries is reported as {@link #OTHER}: a client choosing
 * a fresh name per request must not grow the metrics without bound (every label set is a series that lives as long
 * as the process).
 *
 * <p>Compiled once per {@link GatewayConfig}; immutable; {@link #label} is a hash lookup, called on event loops and
 * gRPC threads, never blocks. A null or empty name is kept as the empty string (no name, not a client's choice).
 */
public final class KnownModelNames {

    /** The label value of every name the configuration does not declare. */
    public static final String OTHER = "other";

    /** Knows no name: every non-empty name is {@link #OTHER}. */
    public static final KnownModelNames NONE = new KnownModelNames(Set.of(), false);

    /** Knows every name (unbounded labels): only for tests and tools whose names are not a client's. */
    public static final KnownModelNames ANY = new KnownModelNames(Set.of(), true);

    private final Set<String> names;
    private final boolean any;

    private KnownModelNames(Set<String> names, boolean any) {
        this.names = Set.copyOf(names);
        this.any = any;
    }

    /** Collects the names of a set; runs on the control plane. */
    public static KnownModelNames compile(ManifestSet set) {
        Objects.requireNonNull(set, "set");
        Set<String> names = new HashSet<>();
        for (InferenceModel m : set.inferenceModels()) {
            names.add(m.modelName());
            m.targetModels().forEach(t -> names.add(t.name()));
        }
        for (InferenceModelRewrite r : set.inferenceModelRewrites()) {
            for (InferenceModelRewrite.Rule rule : r.rules()) {
                names.addAll(rule.matches());
                rule.targets().forEach(t -> names.add(t.modelRewrite()));
            }
        }
        for (InferenceObjective o : set.inferenceObjectives()) {
            names.add(o.metadata().name());
        }
        for (InferencePool p : set.inferencePools()) {
            names.add(p.metadata().name());
        }
        for (BbrConfigMap m : BbrConfigMap.all(set)) {
            if (!m.baseModel().isEmpty()) {
                names.add(m.baseModel());
            }
            names.addAll(m.adapterNames());
        }
        return new KnownModelNames(names, false);
    }

    /** {@code name} when the configuration declares it, {@code ""} for null or empty, else {@link #OTHER}. */
    public String label(String name) {
        if (name == null || name.isEmpty()) {
            return "";
        }
        return any || names.contains(name) ? name : OTHER;
    }

    /** Whether the configuration declares this name. */
    public boolean contains(String name) {
        return any || names.contains(name);
    }

    @Override
    public String toString() {
        return any ? "KnownModelNames(any)" : "KnownModelNames" + names;
    }
}
