package io.infergate.gateway.config;

import io.infergate.api.model.BbrConfigMap;
import io.infergate.api.model.ManifestSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The value of {@code X-Gateway-Base-Model-Name} for a request's {@code model}, compiled once per configuration from
 * the ConfigMaps labelled {@code inference.networking.k8s.io/bbr-managed: "true"}, the way the Inference
 * Extension's Body-Based Routing (GIE v1.4 to v1.5, plugin {@code base-model-to-header}) computes it:
 *
 * <ul>
 *   <li>a model listed in some ConfigMap's {@code adapters}, or equal to its {@code baseModel}, maps to that
 *       {@code baseModel} (names trimmed, one map for all namespaces);</li>
 *   <li>any other model maps to the empty string, which BBR sets as the header value, so no route matching the
 *       header on a name applies;</li>
 *   <li>with <em>no</em> bbr-managed ConfigMap at all, every model maps to itself. BBR would set the empty string
 *       there too, making the header useless; Infergate keeps the incoming name instead, as it did before it read
 *       these ConfigMaps, so routes that match the header on a model name keep working without a ConfigMap.</li>
 * </ul>
 *
 * <p>A validated set maps no name to two base models (that is an error); for an unvalidated one the oldest
 * ConfigMap wins, so the result is still deterministic. ConfigMaps BBR would refuse (no {@code baseModel}) are
 * skipped.
 *
 * <p>Immutable and thread-safe; {@link #baseModelOf} is a map lookup, called on event loops, never blocks.
 */
public final class BaseModels {

    private static final BaseModels IDENTITY = new BaseModels(Map.of(), false);

    private final Map<String, String> byModel;
    private final boolean declared;

    private BaseModels(Map<String, String> byModel, boolean declared) {
        this.byModel = Map.copyOf(byModel);
        this.declared = declared;
    }

    /** Compiles the bbr-managed ConfigMaps of a set; runs on the control plane. */
    public static BaseModels compile(ManifestSet set) {
        Objects.requireNonNull(set, "set");
        var managed = BbrConfigMap.all(set);
        if (managed.isEmpty()) {
            return IDENTITY;
        }
        Map<String, String> byModel = new HashMap<>();
        for (BbrConfigMap m : managed) {
            if (m.baseModel().isEmpty()) {
                continue;
            }
            byModel.putIfAbsent(m.baseModel(), m.baseModel());
            for (String adapter : m.adapterNames()) {
                byModel.putIfAbsent(adapter, m.baseModel());
            }
        }
        return new BaseModels(byModel, true);
    }

    /** No ConfigMaps: every model is its own base model. */
    public static BaseModels identity() {
        return IDENTITY;
    }

    /**
     * The header value for a request's {@code model}: its base model, the empty string for a model no ConfigMap
     * names, or {@code model} itself when no ConfigMap is declared.
     */
    public String baseModelOf(String model) {
        if (!declared) {
            return model;
        }
        String base = byModel.get(model);
        if (base == null) {
            String trimmed = model.strip(); // BBR trims the body's model before the lookup
            base = trimmed.length() == model.length() ? null : byModel.get(trimmed);
        }
        return base == null ? "" : base;
    }

    /** Whether any bbr-managed ConfigMap is declared (otherwise {@link #baseModelOf} is the identity). */
    public boolean declared() {
        return declared;
    }

    /** Every model name (base models and adapters) with its base model. */
    public Map<String, String> mappings() {
        return byModel;
    }

    @Override
    public String toString() {
        return declared ? "BaseModels" + byModel : "BaseModels(identity)";
    }
}
