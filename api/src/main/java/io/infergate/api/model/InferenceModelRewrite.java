package io.infergate.api.model;

import java.util.List;
import java.util.Objects;

/**
 * An {@code inference.networking.x-k8s.io/v1alpha2} InferenceModelRewrite: rewrites the request's model name
 * to one of several weighted targets. Precedence across rewrites of a pool: an exact match beats a generic rule
 * (empty {@code matches}); then the oldest resource ({@link Resource#OLDEST_FIRST}); within one resource, the
 * first matching rule. Immutable.
 */
public record InferenceModelRewrite(ObjectMeta metadata, Origin origin, PoolRef poolRef, List<Rule> rules)
        implements Resource {

    public static final String KIND = "InferenceModelRewrite";

    public InferenceModelRewrite {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(poolRef, "poolRef");
        rules = Copies.list(rules, "rules");
    }

    @Override
    public String apiVersion() {
        return ApiGroups.INFERENCE_X_V1ALPHA2;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** @param matches exact model names (ORed); empty = the generic rule that matches every model */
    public record Rule(List<String> matches, List<Target> targets) {
        public Rule {
            matches = Copies.list(matches, "matches");
            targets = Copies.list(targets, "targets");
        }

        public boolean isGeneric() {
            return matches.isEmpty();
        }
    }

    /** @param weight 1..1,000,000; the share is weight / sum of the rule's weights */
    public record Target(String modelRewrite, int weight) {
        public Target {
            Copies.str(modelRewrite, "modelRewrite");
        }
    }
}
