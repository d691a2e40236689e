package io.infergate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.PoolFaultLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The one parser of the InferencePool fault-limit annotations, shared by validation and {@code serve}. */
class PoolFaultLimitsTest {

    private final List<String> problems = new ArrayList<>();

    private PoolFaultLimits parse(Map<String, String> annotations) {
        return PoolFaultLimits.of(annotations, (name, problem) -> problems.add(name + ": " + problem));
    }

    @Test
    void noAnnotationLeavesEveryLimitToTheFlags() {
        PoolFaultLimits limits = parse(Map.of("other", "x"));
        assertThat(limits).isEqualTo(PoolFaultLimits.NONE);
        assertThat(limits.outliersUnset()).isTrue();
        assertThat(limits.retryBudgetUnset()).isTrue();
        assertThat(problems).isEmpty();
    }

    @Test
    void goodValuesAreRead() {
        PoolFaultLimits limits = parse(Map.of(
                PoolFaultLimits.CONSECUTIVE_FAILURES, "0",
                PoolFaultLimits.BASE_EJECTION, "2s",
                PoolFaultLimits.MAX_EJECTION, "1m",
                PoolFaultLimits.MAX_EJECTION_PERCENT, " 100 ",
                PoolFaultLimits.RETRY_BUDGET_PERCENT, "0",
                PoolFaultLimits.RETRY_BUDGET_MIN, "7",
                PoolFaultLimits.PICKER_TIMEOUT, "1.5s"));
        assertThat(problems).isEmpty();
        assertThat(limits)
                .isEqualTo(new PoolFaultLimits(
                        OptionalInt.of(0),
                        Optional.of(Duration.ofSeconds(2)),
                        Optional.of(Duration.ofMinutes(1)),
                        OptionalInt.of(100),
                        OptionalInt.of(0),
                        OptionalInt.of(7),
                        Optional.of(Duration.ofMillis(1500))));
        assertThat(limits.outliersUnset()).isFalse();
        assertThat(limits.retryBudgetUnset()).isFalse();
    }

    @Test
    void badValuesAreLeftOutAndNamedWithTheirValue() {
        PoolFaultLimits limits = parse(Map.of(
                PoolFaultLimits.CONSECUTIVE_FAILURES, "five",
                PoolFaultLimits.BASE_EJECTION, "0s",
                PoolFaultLimits.MAX_EJECTION, "soon",
                PoolFaultLimits.MAX_EJECTION_PERCENT, "101",
                PoolFaultLimits.RETRY_BUDGET_PERCENT, "-1",
                PoolFaultLimits.RETRY_BUDGET_MIN, "-3",
                PoolFaultLimits.PICKER_TIMEOUT, "-1s"));
        assertThat(limits).isEqualTo(PoolFaultLimits.NONE);
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        PoolFaultLimits.CONSECUTIVE_FAILURES + ": \"five\" is not valid (expected: an integer >= 0)",
                        PoolFaultLimits.BASE_EJECTION
                                + ": \"0s\" is not an ejection length (expected: a positive duration such as 500ms or 30s)",
                        PoolFaultLimits.MAX_EJECTION
                                + ": \"soon\" is not an ejection length (expected: a positive duration such as 500ms or 30s)",
                        PoolFaultLimits.MAX_EJECTION_PERCENT + ": \"101\" is not valid (expected: an integer 0..100)",
                        PoolFaultLimits.RETRY_BUDGET_PERCENT + ": \"-1\" is not valid (expected: an integer 0..100)",
                        PoolFaultLimits.RETRY_BUDGET_MIN + ": \"-3\" is not valid (expected: an integer >= 0)",
                        PoolFaultLimits.PICKER_TIMEOUT
                                + ": \"-1s\" is not a timeout (expected: a positive duration such as 500ms or 30s)");
    }

    @Test
    void aMaxShorterThanTheBaseIsRefused() {
        PoolFaultLimits limits =
                parse(Map.of(PoolFaultLimits.BASE_EJECTION, "1m", PoolFaultLimits.MAX_EJECTION, "30s"));
        assertThat(limits.baseEjection()).contains(Duration.ofMinutes(1));
        assertThat(limits.maxEjection()).isEmpty();
        assertThat(problems)
                .containsExactly(PoolFaultLimits.MAX_EJECTION + ": \"30s\" is shorter than "
                        + PoolFaultLimits.BASE_EJECTION + " \"1m\" (expected: base <= max)");
    }
}
