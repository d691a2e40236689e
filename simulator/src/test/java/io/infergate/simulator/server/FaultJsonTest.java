package io.infergate.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.fault.MetricsFault;
import io.infergate.simulator.http.ApiException;
import io.infergate.simulator.http.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultJsonTest {

    @Test
    void roundTripsAndOverlays() throws Exception {
        FaultConfig c = FaultConfig.NONE
                .withErrorRate(0.25)
                .withErrorStatuses(List.of(429, 503))
                .withMetricsFault(MetricsFault.GARBLED);
        assertThat(FaultJson.overlay(FaultConfig.NONE, FaultJson.toJson(c))).isEqualTo(c);
        assertThat(FaultJson.toJson(c).get("metricsFault").asText()).isEqualTo("garbled");
        FaultConfig patched = FaultJson.overlay(
                c, Json.MAPPER.readTree("{\"errorStatuses\":500,\"metricsFault\":\"SLOW\",\"addedLatencyMs\":5}"));
        assertThat(patched.errorRate()).isEqualTo(0.25);
        assertThat(patched.errorStatuses()).containsExactly(500);
        assertThat(patched.metricsFault()).isEqualTo(MetricsFault.SLOW);
        assertThat(patched.addedLatencyMs()).isEqualTo(5);
    }

    @Test
    void badBodiesSayWhatWasExpected() {
        assertThatThrownBy(() -> FaultJson.overlay(FaultConfig.NONE, Json.MAPPER.readTree("{\"nope\":1}")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("unknown field 'nope'");
        assertThatThrownBy(() -> FaultJson.overlay(FaultConfig.NONE, Json.MAPPER.readTree("{\"errorRate\":-1}")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("errorRate: -1.0 (expected: 0..1)");
        assertThatThrownBy(() -> FaultJson.overlay(FaultConfig.NONE, Json.MAPPER.readTree("{\"errorRate\":\"lots\"}")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("fault config");
        assertThatThrownBy(() -> FaultJson.overlay(FaultConfig.NONE, Json.MAPPER.readTree("[1]")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> FaultJson.overlay(FaultConfig.NONE, Json.MAPPER.readTree("{\"errorStatuses\":[200]}")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("400..599");
    }
}
