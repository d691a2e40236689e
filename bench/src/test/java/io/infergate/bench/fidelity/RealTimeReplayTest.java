package io.infergate.bench.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.Preset;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real-time replay against a sim replica on an ephemeral port: every request streams to the end. */
class RealTimeReplayTest {

    @Test
    void everyStageSendsItsRequestsAndTimesTheirStreams() throws InterruptedException {
        Duration stage = Duration.ofMillis(100);
        List<StageResult> results =
                RealTimeReplay.run(PublishedRun.B, PublishedRun.B.engineConfig(Preset.DEFAULT), stage, 5);
        assertThat(results).hasSize(PublishedRun.B.stages().size());
        for (int i = 0; i < results.size(); i++) {
            StageResult r = results.get(i);
            assertThat(r.completed())
                    .isEqualTo(Math.max(
                            1, Math.round(PublishedRun.B.stages().get(i).offeredQps() * 0.1)));
            assertThat(r.ttftMeanMs()).isPositive().isLessThan(r.e2eMeanMs());
        }
    }
}
