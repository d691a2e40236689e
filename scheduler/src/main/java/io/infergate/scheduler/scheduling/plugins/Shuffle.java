package io.infergate.scheduler.scheduling.plugins;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Index permutations for pickers. Stateless. */
final class Shuffle {

    private Shuffle() {}

    /** {@code 0..n-1} in a random order (Fisher-Yates). */
    static int[] permutation(int n, RandomGenerator random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Stable insertion sort of {@code order} by {@code key} descending: candidate counts are small (tens to a few
     * hundred), and stability keeps the random order among equal keys (GIE's random tie-break).
     */
    static void sortDescending(int[] order, double[] key) {
        for (int i = 1; i < order.length; i++) {
            int x = order[i];
            double kx = key[x];
            int j = i - 1;
            while (j >= 0 && key[order[j]] < kx) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
    }

    /**
     * The first {@code max} of {@code order} as {@link #sortDescending} would leave them, without sorting the rest:
     * {@code max} selection passes, each taking the earliest remaining position with the highest key, so ties keep
     * their order exactly as the stable sort keeps them. O(max × n) instead of O(n²) for the few fallbacks a
     * decision returns out of tens or hundreds of candidates. May return {@code order} itself (sorted) when
     * {@code max >= order.length}.
     */
    static int[] topDescending(int[] order, double[] key, int max) {
        int n = order.length;
        if (max >= n) {
            sortDescending(order, key);
            return order;
        }
        int[] top = new int[Math.max(0, max)];
        boolean[] taken = new boolean[n];
        for (int t = 0; t < top.length; t++) {
            int best = -1;
            double bestKey = 0;
            for (int p = 0; p < n; p++) {
                if (!taken[p] && (best < 0 || key[order[p]] > bestKey)) {
                    best = p;
                    bestKey = key[order[p]];
                }
            }
            taken[best] = true;
            top[t] = order[best];
        }
        return top;
    }

    static int[] head(int[] order, int max) {
        return order.length <= max ? order : Arrays.copyOf(order, max);
    }
}
