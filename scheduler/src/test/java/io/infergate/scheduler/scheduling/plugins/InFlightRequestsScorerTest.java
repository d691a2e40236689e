package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.ints;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.withInFlight;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ours {@code in-flight-requests-scorer}: min-max over our requests in flight per endpoint, fewer is better. */
class InFlightRequestsScorerTest {

    @ParameterizedTest(name = "in flight [{0}] score [{1}]")
    @CsvSource({
        "0 2 4,      1.0 0.5 0.0",
        "1 1,        1.0 1.0",
        "0,          1.0",
        "3 0 12,     0.75 1.0 0.0",
    })
    void scoresMinMaxOverOurRequestsInFlight(String inFlight, String expected) {
        int[] requests = ints(inFlight);
        assertThat(score(new InFlightRequestsScorer(), ctx(1), withInFlight(requests, new long[requests.length])))
                .containsExactly(doubles(expected));
    }
}
