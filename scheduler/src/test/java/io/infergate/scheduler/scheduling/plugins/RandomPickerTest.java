package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.withQueues;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.scheduling.Candidates;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GIE's {@code random-picker}: a random order of the candidates, scores ignored, at most N. */
class RandomPickerTest {

    @ParameterizedTest(name = "{0} candidates, max {1}: {2} picked")
    @CsvSource({
        "3, 1, 1", "3, 2, 2", "3, 5, 3", "1, 1, 1", "0, 1, 0",
    })
    void picksDistinctCandidatesUpToMax(int n, int max, int expected) {
        Candidates c = withQueues("0 ".repeat(n));
        int[] picked = new RandomPicker().pick(ctx(3), c, new double[n], max);

        assertThat(picked).hasSize(expected).doesNotHaveDuplicates();
        assertThat(Arrays.stream(picked).allMatch(i -> i >= 0 && i < n)).isTrue();
    }

    @Test
    void ignoresTheScoresAndFollowsTheSeed() {
        Candidates c = withQueues("0 0 0");
        double[] totals = {1.0, 0.0, 0.0};
        Set<Integer> first = new HashSet<>();
        for (long seed = 0; seed < 32; seed++) {
            int[] a = new RandomPicker().pick(ctx(seed), c, totals, 1);
            assertThat(new RandomPicker().pick(ctx(seed), c, totals, 1)).isEqualTo(a);
            first.add(a[0]);
        }
        assertThat(first).containsExactlyInAnyOrder(0, 1, 2);
    }
}
