package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.withKv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GIE's {@code kv-cache-utilization-scorer} (v0.5: {@code kv-cache-scorer}): 1 - KV usage; unknown scores 0. */
class KvCacheUtilizationScorerTest {

    @ParameterizedTest(name = "kv [{0}] score [{1}]")
    @CsvSource({
        "0 0.25 1,   1.0 0.75 0.0",
        "NaN 0.5,    0.0 0.5",
        "0.9,        0.1",
    })
    void scoresTheFreeShareOfTheKvCache(String kv, String expected) {
        assertThat(score(new KvCacheUtilizationScorer(), ctx(1), withKv(kv)))
                .containsExactly(doubles(expected), within(1e-12));
    }

    @Test
    void theLegacyNameScoresAlikeUnderItsOwnType() {
        KvCacheUtilizationScorer legacy = new KvCacheUtilizationScorer(KvCacheUtilizationScorer.LEGACY_TYPE);
        assertThat(legacy.type()).isEqualTo("kv-cache-scorer");
        assertThat(score(legacy, ctx(1), withKv("0.25 NaN"))).containsExactly(0.75, 0.0);
    }
}
