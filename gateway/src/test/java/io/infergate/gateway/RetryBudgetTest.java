package io.infergate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.PoolFaultLimits;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private static PoolFaultLimits budget(OptionalInt percent, OptionalInt min) {
        return new PoolFaultLimits(
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                OptionalInt.empty(),
                percent,
                min,
                Optional.empty());
    }

    @Test
    void aPoolsAnnotationsWinOverTheFlagsWhichWinOverTheDefaults() {
        RetryBudget flags = new RetryBudget(50, 1);
        assertThat(flags.over(PoolFaultLimits.NONE)).isSameAs(flags);
        assertThat(flags.over(budget(OptionalInt.of(0), OptionalInt.empty()))).isEqualTo(new RetryBudget(0, 1));
        assertThat(flags.over(budget(OptionalInt.empty(), OptionalInt.of(9)))).isEqualTo(new RetryBudget(50, 9));
        assertThat(RetryBudget.DEFAULT.over(budget(OptionalInt.empty(), OptionalInt.of(0))))
                .isEqualTo(new RetryBudget(20, 0));
    }
}
