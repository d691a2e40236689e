package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.ints;
import static io.infergate.scheduler.scheduling.plugins.Table.withQueues;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.scheduling.Candidates;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GIE's {@code max-score-picker}: the highest totals first, ties in random order, at most N. */
class MaxScorePickerTest {

    @ParameterizedTest(name = "totals [{0}], max {1}: [{2}]")
    @CsvSource({
        "0.1 0.9 0.5,      1,  1",
        "0.1 0.9 0.5,      2,  1 2",
        "0.1 0.9 0.5,      3,  1 2 0",
        "0.1 0.9 0.5,      9,  1 2 0",
        "0.3,              1,  0",
        "0.0 0.0 1.0 0.2,  4,  2 3",
    })
    void picksTheHighestTotalsFirst(String totals, int max, String expectedHead) {
        double[] t = doubles(totals);
        Candidates c = withQueues("0 ".repeat(t.length));
        int[] picked = new MaxScorePicker().pick(ctx(1), c, t, max);

        assertThat(picked).hasSize(Math.min(max, t.length)).startsWith(ints(expectedHead));
    }

    @Test
    void tiesGoEitherWayByTheSeedAndTheSameSeedTheSameWay() {
        double[] ties = {0.5, 0.5, 0.5};
        Candidates c = withQueues("0 0 0");
        Set<Integer> first = new HashSet<>();
        for (long seed = 0; seed < 32; seed++) {
            int[] a = new MaxScorePicker().pick(ctx(seed), c, ties, 1);
            assertThat(new MaxScorePicker().pick(ctx(seed), c, ties, 1)).isEqualTo(a);
            first.add(a[0]);
        }
        assertThat(first).containsExactlyInAnyOrder(0, 1, 2);
    }
}
