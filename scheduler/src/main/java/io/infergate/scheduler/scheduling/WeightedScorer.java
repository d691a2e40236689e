package io.infergate.scheduler.scheduling;

import java.util.Objects;

/**
 * A scorer and its weight in a profile; GIE does not normalise weights.
 *
 * @param weight finite, >= 0 (GIE's default is 1.0)
 */
public record WeightedScorer(Scorer scorer, double weight) {

    public WeightedScorer {
        Objects.requireNonNull(scorer, "scorer");
        if (!Double.isFinite(weight) || weight < 0) {
            throw new IllegalArgumentException(
                    "weight of " + scorer.name() + ": " + weight + " (expected: a finite number >= 0)");
        }
    }
}
