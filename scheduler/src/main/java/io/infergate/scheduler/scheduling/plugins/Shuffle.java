package io.infergate.scheduler.scheduling.plugins;

import java.util.random.RandomGenerator;

/** Index permutations for pickers. Stateless. */
final class Shuffle {

    private Shuffle() {
    }

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

    static int[] head(int[] order, int max) {
        return order.length <= max ? order : java.util.Arrays.copyOf(order, max);
    }
}
