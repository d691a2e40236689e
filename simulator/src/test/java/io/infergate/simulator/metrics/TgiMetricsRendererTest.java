package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.Observation;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TgiMetricsRendererTest {

    @Test
    void countersHaveNoTotalSuffixAsWithMetricsExporterPrometheus015() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.TGI, MetricsRendererTest.loraConfig(), 1);

        Exposition e = FlavorExpectations.assertScrape(
                MetricsFlavor.TGI,
                MetricsRenderer.render(MetricsFlavor.TGI, m, MetricsOptions.defaults()),
                m,
                MetricsOptions.defaults());

        assertThat(e.families())
                .filteredOn(f -> f.type().equals("counter"))
                .extracting(Family::name)
                .containsExactly(
                        "tgi_request_count",
                        "tgi_request_success",
                        "tgi_batch_inference_count",
                        "tgi_batch_inference_success");
        assertThat(e.samples()).noneMatch(s -> s.name().endsWith("_total"));
    }

    @Test
    void layoutIsTheExportersCountersGaugesHistogramsWithBlankLinesAndIntegerSpelling() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.TGI, MetricsRendererTest.loraConfig(), 2);

        String text = MetricsRenderer.render(MetricsFlavor.TGI, m, MetricsOptions.defaults());
        Exposition e = PrometheusTextParser.parse(text);

        List<String> types = e.families().stream().map(Family::type).distinct().toList();
        assertThat(types).containsExactly("counter", "gauge", "histogram");
        assertThat(text.split("\n\n")).hasSize(e.families().size());
        assertThat(text)
                .contains(
                        "\ntgi_queue_size " + m.waiting() + "\n",
                        "\ntgi_request_count " + m.requestsReceived() + "\n",
                        "tgi_request_duration_bucket{le=\"0.00015000000000000001\"} ");
        assertThat(e.family("tgi_batch_max_total_tokens").help()).isNull();
    }

    @Test
    void histogramsUseTgisBuckets() {
        EngineMetrics m = MetricsFlavor.TGI.newEngineMetrics(MetricsRendererTest.loraConfig());

        Exposition e =
                PrometheusTextParser.parse(MetricsRenderer.render(MetricsFlavor.TGI, m, MetricsOptions.defaults()));

        assertThat(e.find("tgi_request_queue_duration_bucket", Map.of())).hasSize(36);
        assertThat(e.find("tgi_request_input_length_bucket", Map.of())).hasSize(101);
        ScrapeAssertions.assertHistogram(
                e,
                "tgi_request_mean_time_per_token_duration",
                Map.of(),
                m.histogram(Observation.REQUEST_TIME_PER_OUTPUT_TOKEN));
    }
}
