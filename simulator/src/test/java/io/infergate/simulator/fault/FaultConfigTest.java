package io.infergate.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultConfigTest {

    @Test
    void noneInjectsNothing() {
        assertThat(FaultConfig.NONE.isNone()).isTrue();
        assertThat(FaultConfig.NONE.withErrorRate(0.1).isNone()).isFalse();
        assertThat(FaultConfig.NONE.withMetricsFault(MetricsFault.SLOW).isNone())
                .isFalse();
    }

    @Test
    void rejectsOutOfRangeValuesSayingWhatWasExpected() {
        assertThatThrownBy(() -> FaultConfig.NONE.withErrorRate(1.5))
                .hasMessageContaining("errorRate: 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> FaultConfig.NONE.withErrorRate(Double.NaN)).hasMessageContaining("errorRate");
        assertThatThrownBy(() -> FaultConfig.NONE.withErrorStatuses(List.of(200)))
                .hasMessageContaining("errorStatuses: 200 (expected: an HTTP error status 400..599)");
        assertThatThrownBy(() -> FaultConfig.NONE.withErrorStatuses(List.of())).hasMessageContaining("empty");
        assertThatThrownBy(() -> FaultConfig.NONE.withCrashAfterChunks(-2)).hasMessageContaining("crashAfterChunks");
        assertThatThrownBy(() -> FaultConfig.NONE.withAddedLatencyMs(-1)).hasMessageContaining("addedLatencyMs");
        assertThatThrownBy(() -> FaultConfig.NONE.withCrashRate(2)).hasMessageContaining("crashRate");
    }

    @Test
    void metricsFaultParsesCaseInsensitively() {
        assertThat(MetricsFault.byId("Garbled")).isEqualTo(MetricsFault.GARBLED);
        assertThatThrownBy(() -> MetricsFault.byId("broken"))
                .hasMessageContaining("expected one of: none, slow, failing, garbled");
    }
}
