package io.infergate.scheduler.scheduling.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShuffleTest {

    @Test
    void topDescendingIsTheHeadOfTheStableSortIncludingTies() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(40);
            double[] key = new double[n];
            for (int i = 0; i < n; i++) {
                key[i] = random.nextInt(4) / 4.0; // few distinct values: many ties
            }
            int[] order = Shuffle.permutation(n, random);
            int max = random.nextInt(n + 3);
            int[] sorted = order.clone();
            Shuffle.sortDescending(sorted, key);
            int[] expected = Arrays.copyOf(sorted, Math.min(max, n));
            assertThat(Shuffle.topDescending(order.clone(), key, max))
                    .as("round %d", round)
                    .containsExactly(expected);
        }
    }

    @Test
    void topDescendingOfZeroIsEmpty() {
        assertThat(Shuffle.topDescending(new int[] {0, 1}, new double[] {1, 2}, 0))
                .isEmpty();
    }
}
