package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.flags;
import static io.infergate.scheduler.scheduling.plugins.Table.withKv;
import static io.infergate.scheduler.scheduling.plugins.Table.withQueues;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GIE v0.5's {@code least-queue-filter} and {@code least-kv-cache-filter}: keep {@code min <= v <= min + (max -
 * min) / n} over the known values; nothing known keeps nothing.
 */
class LeastBandFilterTest {

    @ParameterizedTest(name = "queues [{0}]: keep [{1}]")
    @CsvSource({
        "0 1 10 -1,  T T F F",
        "4 4 4,      T T T",
        "0 9,        T F",
        "-1 -1,      F F",
        "3,          T",
    })
    void leastQueue(String queues, String expected) {
        assertThat(LeastBandFilter.queue("f").select(ctx(1), withQueues(queues)))
                .containsExactly(flags(expected));
    }

    @ParameterizedTest(name = "kv [{0}]: keep [{1}]")
    @CsvSource({
        "0.1 0.2 0.9,  T T F",
        "0.5 NaN,      T F",
        "NaN NaN,      F F",
        "0.0 1.0,      T F",
    })
    void leastKvCache(String kv, String expected) {
        assertThat(LeastBandFilter.kvCache("f").select(ctx(1), withKv(kv))).containsExactly(flags(expected));
    }
}
