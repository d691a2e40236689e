package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.Histogram;
import io.infergate.simulator.engine.Observation;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MetricsFlavorTest {

    private final EngineConfig config = Preset.DEFAULT.config();

    @Test
    void idsAreTheServerNames() {
        assertThat(Arrays.stream(MetricsFlavor.values()).map(MetricsFlavor::id))
                .containsExactly("vllm", "sglang", "trtllm", "triton", "tgi");
        for (MetricsFlavor f : MetricsFlavor.values()) {
            assertThat(MetricsFlavor.byId(f.id())).isSameAs(f);
            assertThat(MetricsFlavor.byId(f.id().toUpperCase())).isSameAs(f);
            assertThat(f.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        }
    }

    @Test
    void anUnknownIdListsTheValidOnes() {
        assertThatThrownBy(() -> MetricsFlavor.byId("ollama"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ollama'")
                .hasMessageContaining("vllm, sglang, trtllm, triton, tgi");
    }

    @Test
    void vllmBoundsAreTheObservationDefaults() {
        for (Observation o : Observation.values()) {
            assertThat(MetricsFlavor.VLLM.bounds(o, config)).isEqualTo(o.vllmBounds(config.maxModelLen()));
        }
    }

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void everyFlavorGivesValidFreshBoundsAndMetricsUseThem(MetricsFlavor flavor) {
        EngineMetrics m = flavor.newEngineMetrics(config);
        for (Observation o : Observation.values()) {
            double[] bounds = flavor.bounds(o, config);
            new Histogram(bounds); // throws unless strictly increasing and finite
            assertThat(m.histogram(o).bounds()).isEqualTo(bounds);
            bounds[0] = -1;
            assertThat(flavor.bounds(o, config)[0]).isNotEqualTo(-1);
        }
    }

    @Test
    void sglangBucketsAreThoseOfItsDocumentedScrape() {
        Exposition real = PrometheusTextParser.parse(Fixtures.read(Fixtures.SGLANG));
        Map<String, Observation> histograms = Map.of(
                "sglang:time_to_first_token_seconds",
                Observation.TIME_TO_FIRST_TOKEN,
                "sglang:e2e_request_latency_seconds",
                Observation.E2E_LATENCY,
                "sglang:time_per_output_token_seconds",
                Observation.INTER_TOKEN_LATENCY);

        histograms.forEach((name, o) -> assertThat(MetricsFlavor.SGLANG.bounds(o, config))
                .as(name)
                .isEqualTo(real.family(name).samples().stream()
                        .filter(s -> s.name().endsWith("_bucket"))
                        .map(s -> s.labels().get("le"))
                        .filter(le -> !le.equals("+Inf"))
                        .mapToDouble(Double::parseDouble)
                        .toArray()));
    }

    @Test
    void tgiDurationsAre35GeometricBucketsFrom150Microseconds() {
        double[] d = MetricsFlavor.TGI.bounds(Observation.E2E_LATENCY, config);

        assertThat(d).hasSize(35);
        assertThat(d[0]).isCloseTo(0.00015, within(1e-18));
        for (int i = 1; i < d.length; i++) {
            assertThat(d[i] / d[i - 1]).isCloseTo(1.5, within(1e-12));
        }
        assertThat(MetricsFlavor.TGI.bounds(Observation.REQUEST_TIME_PER_OUTPUT_TOKEN, config))
                .isEqualTo(d);
    }

    @Test
    void tgiLengthsAreAHundredLinearBucketsUpToItsTokenLimits() {
        double[] in = MetricsFlavor.TGI.bounds(Observation.PROMPT_TOKENS, config);
        double[] out = MetricsFlavor.TGI.bounds(Observation.GENERATION_TOKENS, config);

        assertThat(in).hasSize(100);
        assertThat(in[99]).isCloseTo(config.maxModelLen() - 1, within(1e-6));
        assertThat(in[0]).isCloseTo((config.maxModelLen() - 1) / 100.0, within(1e-9));
        assertThat(out).hasSize(100);
        assertThat(out[99]).isEqualTo(config.maxModelLen());
    }

    @Test
    void trtllmServeHasItsOwnPrefillBucketsAndVllmsOtherwise() {
        double[] prefill = MetricsFlavor.TRTLLM.bounds(Observation.PREFILL_TIME, config);

        assertThat(prefill).startsWith(0.001, 0.005, 0.01, 0.025).endsWith(640.0, 2560.0);
        assertThat(MetricsFlavor.TRTLLM.bounds(Observation.E2E_LATENCY, config))
                .isEqualTo(Observation.E2E_LATENCY.vllmBounds(config.maxModelLen()));
    }

    @Test
    void optionsValidate() {
        assertThat(MetricsOptions.defaults()).isEqualTo(new MetricsOptions(false, "0", false, 0));
        assertThat(new MetricsOptions(true, null, true, 1.7e9).engineLabel()).isNull();
        assertThatThrownBy(() -> new MetricsOptions(false, " ", false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("engineLabel");
        assertThatThrownBy(() -> new MetricsOptions(false, "0", true, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("createdUnixSeconds");
        assertThatThrownBy(() -> new MetricsOptions(false, "0", true, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
