package io.infergate.scheduler.model;

import io.infergate.api.model.InferenceModelRewrite;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * The InferenceModelRewrites of one pool, compiled for lookup by incoming model name with the reference EPP's
 * precedence: an exact match beats the generic (empty {@code matches}) rule; among rules of one kind, the
 * oldest resource wins; within one resource, the first matching rule wins. Immutable and thread-safe.
 */
final class RewriteRules {

    /** One rule, ready to draw. {@code rewrite} is pre-wrapped so that resolving allocates nothing for it. */
    record Rule(Optional<InferenceModelRewrite> rewrite, WeightedChoice targets) {}

    private final Map<String, Rule> exact;
    private final Rule generic;
    private final SequencedSet<String> exactNames;

    private RewriteRules(Map<String, Rule> exact, Rule generic, SequencedSet<String> exactNames) {
        this.exact = exact;
        this.generic = generic;
        this.exactNames = exactNames;
    }

    /** @param oldestFirst the pool's rewrites, oldest first ({@code ManifestSet.rewritesFor}) */
    static RewriteRules compile(List<InferenceModelRewrite> oldestFirst) {
        Map<String, Rule> exact = new HashMap<>();
        SequencedSet<String> names = new LinkedHashSet<>();
        Rule generic = null;
        for (InferenceModelRewrite rewrite : oldestFirst) {
            Optional<InferenceModelRewrite> owner = Optional.of(rewrite);
            for (InferenceModelRewrite.Rule rule : rewrite.rules()) {
                if (rule.targets().isEmpty()) {
                    continue; // invalid (MinItems 1); the validator reports it
                }
                Rule compiled = new Rule(owner, choice(rule.targets()));
                if (rule.isGeneric()) {
                    generic = generic == null ? compiled : generic;
                } else {
                    for (String model : rule.matches()) {
                        exact.putIfAbsent(model, compiled);
                        names.add(model);
                    }
                }
            }
        }
        return new RewriteRules(Map.copyOf(exact), generic, names);
    }

    private static WeightedChoice choice(List<InferenceModelRewrite.Target> targets) {
        long[] weights = new long[targets.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.max(0, targets.get(i).weight());
        }
        return WeightedChoice.of(
                targets.stream().map(InferenceModelRewrite.Target::modelRewrite).toList(), weights);
    }

    /** The exact rule for this incoming name, or null. */
    Rule exact(String incomingModel) {
        return exact.get(incomingModel);
    }

    /** The generic rule that applies when nothing more specific does, or null. */
    Rule generic() {
        return generic;
    }

    /** Incoming names some exact rule matches, in precedence order. */
    SequencedSet<String> exactNames() {
        return exactNames;
    }
}
