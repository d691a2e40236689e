package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.withQueues;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.scheduling.Candidates;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GIE's {@code queue-scorer}: min-max over the waiting queues, shorter is better; unknown scores 0. */
class QueueScorerTest {

    @ParameterizedTest(name = "queues [{0}] score [{1}]")
    @CsvSource({
        "0 5 10,     1.0 0.5 0.0",
        "3 3,        1.0 1.0",
        "7,          1.0",
        "-1 4 8,     0.0 1.0 0.0",
        "-1 -1,      1.0 1.0",
        "0 2147483647, 1.0 0.0",
    })
    void scoresMinMaxOverTheWaitingQueue(String queues, String expected) {
        assertThat(score(new QueueScorer(), ctx(1), withQueues(queues))).containsExactly(doubles(expected));
    }

    @Test
    void oursCountsRequestsWeSentSinceTheLastScrapeSoABurstDoesNotHerd() {
        // both scraped as 2 waiting + 4 running; since then we sent 3 more to pod0 (9 of ours there), none to pod1
        Candidates c = Table.candidates(
                List.of(Table.metrics(2, 4, 0.1), Table.metrics(2, 4, 0.1)), new int[] {9, 6}, new long[2]);
        assertThat(score(QueueScorer.countingOurs(), ctx(1), c)).containsExactly(0.0, 1.0);
        assertThat(score(new QueueScorer(), ctx(1), c)).containsExactly(1.0, 1.0); // GIE's reads the scrape only
    }
}
