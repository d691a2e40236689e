package io.infergate.api.validate;

import io.infergate.api.Problem;
import io.infergate.api.model.ManifestSet;
import java.util.List;

/**
 * Checks a loaded {@link ManifestSet} against every rule the loader does not: ranges, formats, uniqueness,
 * list limits and the CEL rules of the CRDs (GIE {@code config/crd/bases}, Gateway API v1), and references between
 * objects (route parents and backends, pool references, endpoint picker Services, certificate Secrets). Model-name
 * clashes between InferenceModels are warnings (the oldest wins, as the reference EPP does). Body-Based Routing's
 * ConfigMaps are checked as BBR reads them; a model name mapped to two base models is an error ({@code BbrRules}).
 *
 * <p>Immutability rules (such as "modelName is immutable") need a previous version of the object, which a file
 * does not have; they belong to the cluster-mode watcher, not here.
 *
 * <p>Stateless and thread-safe; never throws on bad input: every finding is a {@link Problem} located at the
 * line where the field was written (or where its parent was, for a missing field).
 */
public final class ManifestValidator {

    private ManifestValidator() {}

    /** All problems of the set, in the order the rules found them. */
    public static List<Problem> validate(ManifestSet set) {
        Reporter r = new Reporter(set);
        MetadataRules.check(r);
        GatewayRules.check(r);
        GatewayRules.secrets(r);
        RouteRules.check(r);
        InferenceRules.check(r);
        CoreRules.check(r);
        BbrRules.check(r);
        return List.copyOf(r.problems());
    }
}
