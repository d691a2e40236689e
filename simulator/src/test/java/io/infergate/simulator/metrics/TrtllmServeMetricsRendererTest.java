package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrtllmServeMetricsRendererTest {

    @Test
    void exposesTheFlatNamesGieReadsForTrtllmServe() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.TRTLLM, MetricsRendererTest.loraConfig(), 1);

        Exposition e = FlavorExpectations.assertScrape(
                MetricsFlavor.TRTLLM,
                MetricsRenderer.render(MetricsFlavor.TRTLLM, m, MetricsOptions.defaults()),
                m,
                MetricsOptions.defaults());

        for (String gie : List.of(
                "trtllm_num_requests_waiting",
                "trtllm_num_requests_running",
                "trtllm_kv_cache_utilization",
                "trtllm_kv_cache_tokens_per_block",
                "trtllm_kv_cache_max_blocks")) {
            assertThat(e.family(gie).type()).as(gie).isEqualTo("gauge");
        }
        assertThat(e.samples())
                .allSatisfy(s -> assertThat(s.labels())
                        .containsEntry("engine_type", "trtllm")
                        .containsEntry("model_name", m.config().servedModelName()));
    }

    @Test
    void countersEndInTotalAndGetCreatedGaugesWhenAsked() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.TRTLLM, MetricsRendererTest.loraConfig(), 2);
        MetricsOptions created = new MetricsOptions(false, "0", true, 1_735_689_600.5);

        Exposition e = FlavorExpectations.assertScrape(
                MetricsFlavor.TRTLLM, MetricsRenderer.render(MetricsFlavor.TRTLLM, m, created), m, created);

        assertThat(e.families())
                .filteredOn(f -> f.type().equals("counter"))
                .extracting(Family::name)
                .allMatch(n -> n.endsWith("_total"))
                .contains("trtllm_request_success_total");
        assertThat(e.value(
                        "trtllm_prompt_tokens_created",
                        ScrapeAssertions.labels(
                                "engine_type",
                                "trtllm",
                                "model_name",
                                m.config().servedModelName())))
                .isEqualTo(created.createdUnixSeconds());
    }
}
