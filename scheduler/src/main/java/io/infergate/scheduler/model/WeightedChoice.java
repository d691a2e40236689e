package io.infergate.scheduler.model;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A compiled weighted draw over model names, the way the reference EPP's {@code selectWeightedModel} draws:
 * {@code r = random.nextLong(total)}, then the first name whose cumulative weight is greater than {@code r}.
 * A total weight of 0 means a uniform choice. One name draws nothing from the generator.
 *
 * <p>Immutable and thread-safe; {@link #draw} never blocks. The generator belongs to the caller's thread.
 */
final class WeightedChoice {

    private final String[] names;
    /** cumulative[i] = weights[0] + ... + weights[i]; null when the choice is uniform. */
    private final long[] cumulative;

    private WeightedChoice(String[] names, long[] cumulative) {
        this.names = names;
        this.cumulative = cumulative;
    }

    /**
     * @param weights one per name, each >= 0; all zero means uniform
     * @throws IllegalArgumentException when the lists are empty, differ in size, or a weight is negative
     */
    static WeightedChoice of(List<String> names, long[] weights) {
        if (names.isEmpty() || names.size() != weights.length) {
            throw new IllegalArgumentException("names: " + names.size() + ", weights: " + weights.length
                    + " (expected: the same number, at least 1)");
        }
        long[] cumulative = new long[weights.length];
        long sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < 0) {
                throw new IllegalArgumentException("weight: " + weights[i] + " (expected: >= 0)");
            }
            sum += weights[i];
            cumulative[i] = sum;
        }
        return new WeightedChoice(names.toArray(String[]::new), sum == 0 ? null : cumulative);
    }

    /** Every name with the same chance. */
    static WeightedChoice uniform(List<String> names) {
        return of(names, new long[names.size()]);
    }

    String draw(RandomGenerator random) {
        if (names.length == 1) {
            return names[0];
        }
        if (cumulative == null) {
            return names[random.nextInt(names.length)];
        }
        long r = random.nextLong(cumulative[cumulative.length - 1]);
        for (int i = 0; i < cumulative.length; i++) {
            if (cumulative[i] > r) {
                return names[i];
            }
        }
        throw new AssertionError("r=" + r + " beyond the total weight");
    }
}
