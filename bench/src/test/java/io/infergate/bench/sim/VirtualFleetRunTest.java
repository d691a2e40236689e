package io.infergate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.Preset;
import org.junit.jupiter.api.Test;

class VirtualFleetRunTest {

    private final EngineConfig config = Preset.DEFAULT.config();

    @Test
    void completesEveryRequestAndIsDeterministic() {
        VirtualFleetRun run = new VirtualFleetRun(config, 4, 2000, 100, 0.5, 7);
        VirtualFleetRun.Result a = run.run();
        VirtualFleetRun.Result b = run.run();

        assertThat(a.completed()).isEqualTo(2000);
        assertThat(a.simulatedNanos()).isEqualTo(b.simulatedNanos());
        assertThat(a.outputTokens()).isEqualTo(b.outputTokens());
        assertThat(a.steps()).isEqualTo(b.steps());
        assertThat(a.ttftMillis()).isEqualTo(b.ttftMillis());
        // half the requests share one of 16 system prompts, so the prefix cache must be hit
        assertThat(a.prefixHitRate()).isBetween(0.2, 0.9);
        // ~20 s of arrivals at 100/s
        assertThat(a.simulatedNanos() / 1e9).isBetween(15.0, 40.0);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new VirtualFleetRun(config, 0, 10, 1, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("engines 0");
    }
}
