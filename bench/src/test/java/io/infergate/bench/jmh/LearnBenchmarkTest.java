package io.infergate.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.pick.Endpoint;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The learning benchmark's set-up and operation, called directly: the index starts full and stays full. */
class LearnBenchmarkTest {

    @ParameterizedTest
    @CsvSource({"8, 0", "8, 128"})
    void theIndexStartsFullAndStaysFullWhileItLearns(int endpoints, int knownBlocks) {
        LearnBenchmark b = new LearnBenchmark();
        b.endpoints = endpoints;
        b.knownBlocks = knownBlocks;
        b.capacity = 1_000;
        b.setUp();
        assertThat(b.index().size()).isEqualTo(endpoints * 1_000L);

        for (int i = 0; i < 3 * endpoints; i++) {
            b.learn();
        }
        assertThat(b.index().size()).as("each new block evicted one").isEqualTo(endpoints * 1_000L);
        for (Endpoint e : b.pool()) {
            assertThat(b.index().size(e.hostPort())).isEqualTo(1_000);
        }
        // the last prompt learnt is held by its endpoint, whole
        Endpoint last = b.pool().get((3 * endpoints - 1) % endpoints);
        assertThat(b.index().matchLengths(b.lastHashes(), List.of(last))).containsExactly(256);
    }
}
