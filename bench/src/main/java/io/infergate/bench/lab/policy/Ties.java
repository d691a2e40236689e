package io.infergate.bench.lab.policy;

import java.util.SplittableRandom;

/**
 * Uniform tie-breaking for the baselines: reservoir sampling over the equal best values, so each of {@code k} tied
 * candidates wins with probability {@code 1/k} while the scan stays one pass and allocation-free. Single-threaded:
 * the caller owns the random generator.
 */
final class Ties {

    private Ties() {}

    /** The index of the smallest value, a uniformly random one among exactly equal smallest values. */
    static int argMin(double[] values, SplittableRandom random) {
        int best = -1;
        double bestValue = Double.POSITIVE_INFINITY;
        int ties = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (best < 0 || v < bestValue) {
                best = i;
                bestValue = v;
                ties = 1;
            } else if (v == bestValue && random.nextInt(++ties) == 0) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The index of the largest value among {@code candidates} (indexes into {@code values}), a uniformly random one
     * among equal largest values.
     */
    static int argMax(double[] values, int[] candidates, int count, SplittableRandom random) {
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        int ties = 0;
        for (int k = 0; k < count; k++) {
            int i = candidates[k];
            double v = values[i];
            if (best < 0 || v > bestValue) {
                best = i;
                bestValue = v;
                ties = 1;
            } else if (v == bestValue && random.nextInt(++ties) == 0) {
                best = i;
            }
        }
        return best;
    }
}
