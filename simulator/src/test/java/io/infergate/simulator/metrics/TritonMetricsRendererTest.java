package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import io.infergate.simulator.metrics.PrometheusTextParser.Sample;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TritonMetricsRendererTest {

    @Test
    void familiesHelpTypeAndSeriesMatchTheTensorrtLlmBackendSample() {
        Exposition real = PrometheusTextParser.parse(Fixtures.read(Fixtures.TRITON));
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.TRITON, MetricsRendererTest.loraConfig(), 1);
        Exposition ours = FlavorExpectations.assertScrape(
                MetricsFlavor.TRITON,
                MetricsRenderer.render(MetricsFlavor.TRITON, m, MetricsOptions.defaults()),
                m,
                MetricsOptions.defaults());

        int compared = 0;
        for (Family f : real.families()) {
            if (f.name().equals("nv_trt_llm_runtime_memory_metrics")) {
                continue; // runtime buffers: nothing the engine models
            }
            Family mine = ours.family(f.name());
            assertThat(mine.type()).as(f.name()).isEqualTo(f.type());
            assertThat(mine.help()).as(f.name()).isEqualTo(f.help());
            assertThat(series(mine)).as(f.name()).isEqualTo(series(f));
            compared++;
        }
        assertThat(compared).isEqualTo(5);
    }

    @Test
    void theRouterSeriesHoldTheEngineNumbersSpelledLikePrometheusCpp() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.TRITON, MetricsRendererTest.loraConfig(), 2);
        EngineConfig c = m.config();

        String text = MetricsRenderer.render(MetricsFlavor.TRITON, m, MetricsOptions.defaults());

        assertThat(text)
                .contains(
                        "nv_trt_llm_request_metrics{model=\"tensorrt_llm\",request_type=\"waiting\",version=\"1\"} "
                                + m.waiting() + "\n",
                        "nv_trt_llm_request_metrics{model=\"tensorrt_llm\",request_type=\"max\",version=\"1\"} "
                                + c.maxNumSeqs() + "\n",
                        "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"tokens_per\",model=\"tensorrt_llm\","
                                + "version=\"1\"} " + c.blockSize() + "\n");
    }

    @Test
    void baseTritonCountersAreThere() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.TRITON, MetricsRendererTest.loraConfig(), 3);

        Exposition e =
                PrometheusTextParser.parse(MetricsRenderer.render(MetricsFlavor.TRITON, m, MetricsOptions.defaults()));

        assertThat(e.families())
                .filteredOn(f -> f.name().startsWith("nv_inference_"))
                .extracting(Family::name)
                .containsExactly(
                        "nv_inference_request_success",
                        "nv_inference_request_failure",
                        "nv_inference_count",
                        "nv_inference_exec_count",
                        "nv_inference_request_duration_us",
                        "nv_inference_queue_duration_us",
                        "nv_inference_compute_input_duration_us",
                        "nv_inference_compute_infer_duration_us",
                        "nv_inference_compute_output_duration_us",
                        "nv_inference_pending_request_count");
    }

    /** Label sets of a family's series. */
    private static Set<Map<String, String>> series(Family f) {
        return f.samples().stream().map(Sample::labels).collect(Collectors.toSet());
    }
}
