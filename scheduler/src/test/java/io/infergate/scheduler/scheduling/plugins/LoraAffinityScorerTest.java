package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.NOW;
import static io.infergate.scheduler.scheduling.plugins.Table.candidates;
import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GIE's {@code lora-affinity-scorer}: 1.0 where the adapter runs, 0.8 where there is room for one more, 0.6 where
 * it only waits, else 0; an endpoint without LoRA info scores 0.
 */
class LoraAffinityScorerTest {

    @ParameterizedTest(name = "active [{0}], waiting [{1}], max {2}: {3}")
    @CsvSource({
        "a,        '',   4,  1.0",
        "b c d e,  a,    4,  0.6",
        "b,        '',   4,  0.8",
        "b c,      a,    4,  0.8",
        "b c,      a d,  4,  0.6",
        "b c d e,  '',   4,  0.0",
        "'',       '',   4,  0.8",
        "b,        '',   -1, 0.0",
        "b,        a,    -1, 0.6",
        "a,        '',   -1, 1.0",
    })
    void scoresTheAdaptersPlace(String active, String waiting, int maxLoras, double expected) {
        ScrapedMetrics m = new ScrapedMetrics(
                new ModelServerMetrics("vllm", 0, 0, 0.0, set(active), set(waiting), maxLoras, 16, 1000, List.of()),
                NOW - 10_000_000L,
                null);
        double[] scores = score(
                new LoraAffinityScorer(),
                ctx("a", "", new byte[0], null, 1),
                candidates(List.of(m), new int[1], new long[1]));
        assertThat(scores).containsExactly(expected);
    }

    @Test
    void noLoraInfoScoresZero() {
        assertThat(score(
                        new LoraAffinityScorer(),
                        ctx("a", "", new byte[0], null, 1),
                        candidates(
                                List.of(Table.metrics(0, 0, 0.0), ScrapedMetrics.notYet("vllm")),
                                new int[2],
                                new long[2])))
                .containsExactly(0.0, 0.0);
    }
}
