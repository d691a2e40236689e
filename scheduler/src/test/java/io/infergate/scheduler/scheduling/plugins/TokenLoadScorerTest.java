package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.longs;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.withInFlight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GIE's {@code token-load-scorer}: {@code 1 - min(1, tokens / queueThresholdTokens)}, absolute, not min-max. */
class TokenLoadScorerTest {

    @ParameterizedTest(name = "threshold {0}, tokens [{1}] score [{2}]")
    @CsvSource({
        "1000,    0 250 1000 5000,   1.0 0.75 0.0 0.0",
        "4,       1 2 3,             0.75 0.5 0.25",
        "100,     50 50,             0.5 0.5",
        "4194304, 0 2097152,         1.0 0.5",
    })
    void scoresAgainstAnAbsoluteThreshold(long threshold, String tokens, String expected) {
        long[] t = longs(tokens);
        assertThat(score(new TokenLoadScorer("t", threshold), ctx(1), withInFlight(new int[t.length], t)))
                .containsExactly(doubles(expected));
    }

    @Test
    void aThresholdOfZeroOrLessIsRefused() {
        assertThatThrownBy(() -> new TokenLoadScorer("t", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueThresholdTokens: 0 (expected: > 0)");
    }
}
