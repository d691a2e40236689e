package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import io.infergate.simulator.metrics.PrometheusTextParser.Sample;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class VllmMetricsRendererTest {

    private static final MetricsOptions V0_STYLE = new MetricsOptions(false, null, false, 0);

    @Test
    void helpTypeAndLabelShapesMatchTheRealVllmScrape() {
        Exposition real = PrometheusTextParser.parse(Fixtures.vllmWithoutElision());
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.VLLM, MetricsRendererTest.loraConfig(), 1);
        Exposition ours = FlavorExpectations.assertScrape(
                MetricsFlavor.VLLM, MetricsRenderer.render(MetricsFlavor.VLLM, m, V0_STYLE), m, V0_STYLE);

        int compared = 0;
        for (Family f : real.families()) {
            if (f.name().startsWith("http_")) {
                continue; // prometheus-fastapi-instrumentator, not the engine
            }
            Family mine = ours.family(f.name());
            assertThat(mine.type()).as(f.name()).isEqualTo(f.type());
            assertThat(mine.help()).as(f.name()).isEqualTo(f.help());
            for (Sample s : f.samples()) {
                assertThat(mine.samples())
                        .as("a %s sample labelled like %s", s.name(), s.labels().keySet())
                        .anySatisfy(t -> {
                            assertThat(t.name()).isEqualTo(s.name());
                            assertThat(t.labels().keySet())
                                    .containsAll(s.labels().keySet());
                        });
            }
            compared++;
        }
        assertThat(compared).isEqualTo(6);
        assertThat(labelValues(real, "vllm:request_success_total", "finished_reason"))
                .isEqualTo(labelValues(ours, "vllm:request_success_total", "finished_reason"));
        assertThat(labelValues(ours, "vllm:time_to_first_token_seconds_bucket", "le"))
                .containsAll(labelValues(real, "vllm:time_to_first_token_seconds_bucket", "le"));
    }

    @Test
    void v1EngineLabelIsOnEverySeriesButLoraInfo() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.VLLM, MetricsRendererTest.loraConfig(), 2);
        MetricsOptions options = new MetricsOptions(false, "3", false, 0);

        Exposition e = FlavorExpectations.assertScrape(
                MetricsFlavor.VLLM, MetricsRenderer.render(MetricsFlavor.VLLM, m, options), m, options);

        for (Family f : e.families()) {
            boolean lora = f.name().equals("vllm:lora_requests_info");
            assertThat(f.samples())
                    .as(f.name())
                    .allSatisfy(
                            s -> assertThat(s.labels().containsKey("engine")).isEqualTo(!lora));
        }
        assertThat(e.family("vllm:lora_requests_info").samples())
                .allSatisfy(s -> assertThat(s.labels().keySet())
                        .containsExactlyInAnyOrder("max_lora", "running_lora_adapters", "waiting_lora_adapters"));
    }

    @Test
    void withoutTheEngineLabelSeriesCarryOnlyModelName() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.VLLM, MetricsRendererTest.loraConfig(), 2);

        Exposition e = FlavorExpectations.assertScrape(
                MetricsFlavor.VLLM, MetricsRenderer.render(MetricsFlavor.VLLM, m, V0_STYLE), m, V0_STYLE);

        assertThat(e.samples()).noneMatch(s -> s.labels().containsKey("engine"));
    }

    @Test
    void deprecatedNamesOnlyWhenAsked() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.VLLM, MetricsRendererTest.loraConfig(), 4);
        MetricsOptions legacy = new MetricsOptions(true, "0", false, 0);

        Exposition with = FlavorExpectations.assertScrape(
                MetricsFlavor.VLLM, MetricsRenderer.render(MetricsFlavor.VLLM, m, legacy), m, legacy);
        Exposition without =
                PrometheusTextParser.parse(MetricsRenderer.render(MetricsFlavor.VLLM, m, MetricsOptions.defaults()));

        assertThat(with.hasFamily("vllm:gpu_cache_usage_perc")).isTrue();
        assertThat(with.family("vllm:gpu_cache_usage_perc").help()).contains("DEPRECATED");
        assertThat(without.hasFamily("vllm:gpu_cache_usage_perc")).isFalse();
        assertThat(without.hasFamily("vllm:gpu_prefix_cache_queries_total")).isFalse();
    }

    @Test
    void loraInfoOnlyWithLoraEnabled() {
        EngineConfig plain = Preset.DEFAULT.config();
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.VLLM, plain, 5);

        Exposition e = FlavorExpectations.assertScrape(
                MetricsFlavor.VLLM,
                MetricsRenderer.render(MetricsFlavor.VLLM, m, MetricsOptions.defaults()),
                m,
                MetricsOptions.defaults());

        assertThat(e.hasFamily("vllm:lora_requests_info")).isFalse();
    }

    @Test
    void cacheConfigInfoSpeaksPython() {
        EngineConfig c = Preset.DEFAULT.config().toBuilder()
                .enablePrefixCaching(false)
                .gpuMemoryUtilization(0.85)
                .build();
        EngineMetrics m = MetricsFlavor.VLLM.newEngineMetrics(c);

        Exposition e = FlavorExpectations.assertScrape(
                MetricsFlavor.VLLM,
                MetricsRenderer.render(MetricsFlavor.VLLM, m, MetricsOptions.defaults()),
                m,
                MetricsOptions.defaults());

        Sample info = e.family("vllm:cache_config_info").samples().get(0);
        assertThat(info.labels())
                .containsEntry("enable_prefix_caching", "False")
                .containsEntry("gpu_memory_utilization", NumberFormats.pythonRepr(c.gpuMemoryUtilization()))
                .containsEntry("engine", "0");
    }

    @Test
    void numbersAreSpelledAsPrometheusClientSpellsThem() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.VLLM, MetricsRendererTest.loraConfig(), 6);
        String name = m.config().servedModelName();

        String text = MetricsRenderer.render(MetricsFlavor.VLLM, m, MetricsOptions.defaults());

        assertThat(text)
                .contains(
                        "vllm:num_requests_running{engine=\"0\",model_name=\"" + name + "\"} " + m.running() + ".0\n");
        assertThat(text)
                .contains("vllm:iteration_tokens_total_bucket{engine=\"0\",le=\"1.0\",model_name=\"" + name + "\"} ");
        assertThat(text)
                .contains("vllm:prompt_tokens_total{engine=\"0\",model_name=\"" + name + "\"} "
                        + NumberFormats.python(m.promptTokens()) + "\n");
        assertThat(NumberFormats.python(m.promptTokens())).matches("\\d\\.\\d*e\\+0\\d");
    }

    private static Set<String> labelValues(Exposition e, String sample, String label) {
        return e.samples().stream()
                .filter(s -> s.name().equals(sample))
                .map(s -> s.labels().get(label))
                .collect(Collectors.toSet());
    }
}
