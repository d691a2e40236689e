package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.withQueues;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.scheduling.Candidates;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GIE's {@code weighted-random-picker} (A-Res sampling): over many seeds, which candidates ever come first. A
 * candidate scoring 0 never comes before one scoring more; with every score 0 it is a random picker.
 */
class WeightedRandomPickerTest {

    @ParameterizedTest(name = "totals [{0}]: first picks among [{1}]")
    @CsvSource({
        "1.0 0.0 0.0,   0",
        "0.0 0.5 0.0,   1",
        "0.5 0.5 0.0,   0 1",
        "0.9 0.1,       0 1",
        "0.0 0.0 0.0,   0 1 2",
    })
    void picksFirstOnlyAmongThePositivelyScored(String totals, String expectedFirsts) {
        double[] t = doubles(totals);
        Candidates c = withQueues("0 ".repeat(t.length));
        Set<Integer> firsts = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            int[] picked = new WeightedRandomPicker().pick(ctx(seed), c, t, t.length);
            assertThat(picked).hasSize(t.length).doesNotHaveDuplicates();
            assertThat(new WeightedRandomPicker().pick(ctx(seed), c, t, t.length))
                    .isEqualTo(picked);
            firsts.add(picked[0]);
        }
        assertThat(firsts)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(Table.ints(expectedFirsts)).boxed().toList());
    }
}
