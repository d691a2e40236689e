package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.flags;
import static io.infergate.scheduler.scheduling.plugins.Table.withQueues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GIE v0.5's {@code low-queue-filter}: keeps queues of at most {@code threshold}; an unknown queue is not kept. */
class LowQueueFilterTest {

    @ParameterizedTest(name = "threshold {0}, queues [{1}]: keep [{2}]")
    @CsvSource({
        "128,  0 128 129 -1,  T T F F",
        "0,    0 1,           T F",
        "5,    6 7,           F F",
        "5,    -1 -1,         F F",
    })
    void keepsTheQueuesAtOrBelowTheThreshold(int threshold, String queues, String expected) {
        assertThat(new LowQueueFilter("f", threshold).select(ctx(1), withQueues(queues)))
                .containsExactly(flags(expected));
    }

    @Test
    void refusesANegativeThreshold() {
        assertThatThrownBy(() -> new LowQueueFilter("f", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold: -1 (expected: >= 0)");
    }
}
