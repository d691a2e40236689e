package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.withRunning;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GIE's {@code running-requests-size-scorer}: min-max over the running batch, smaller is better; unknown 0. */
class RunningRequestsSizeScorerTest {

    @ParameterizedTest(name = "running [{0}] score [{1}]")
    @CsvSource({
        "0 4 8,      1.0 0.5 0.0",
        "2 2 2,      1.0 1.0 1.0",
        "-1 1 3,     0.0 1.0 0.0",
        "-1,         1.0",
        "10 20,      1.0 0.0",
    })
    void scoresMinMaxOverTheRunningRequests(String running, String expected) {
        assertThat(score(new RunningRequestsSizeScorer(), ctx(1), withRunning(running)))
                .containsExactly(doubles(expected));
    }
}
