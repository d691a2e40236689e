package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.longs;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.withInFlight;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ours {@code in-flight-tokens-scorer}: min-max over our in-flight tokens per endpoint, fewer is better. */
class InFlightTokensScorerTest {

    @ParameterizedTest(name = "tokens [{0}] score [{1}]")
    @CsvSource({
        "0 100 400,  1.0 0.75 0.0",
        "500 500,    1.0 1.0",
        "100 300,    1.0 0.0",
        "0,          1.0",
    })
    void scoresMinMaxOverOurTokensInFlight(String tokens, String expected) {
        long[] t = longs(tokens);
        assertThat(score(new InFlightTokensScorer(), ctx(1), withInFlight(new int[t.length], t)))
                .containsExactly(doubles(expected));
    }
}
