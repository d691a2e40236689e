package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import io.infergate.simulator.metrics.PrometheusTextParser.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class SglangMetricsRendererTest {

    @Test
    void familiesHelpTypeLabelsAndBucketsMatchTheDocumentedScrape() {
        Exposition real = PrometheusTextParser.parse(Fixtures.read(Fixtures.SGLANG));
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.SGLANG, MetricsRendererTest.loraConfig(), 1);
        Exposition ours = FlavorExpectations.assertScrape(
                MetricsFlavor.SGLANG,
                MetricsRenderer.render(MetricsFlavor.SGLANG, m, MetricsOptions.defaults()),
                m,
                MetricsOptions.defaults());

        for (Family f : real.families()) {
            if (f.name().equals("sglang:func_latency_seconds")) {
                continue; // a per-function profiling histogram, not an engine metric
            }
            Family mine = ours.family(f.name());
            assertThat(mine.type()).as(f.name()).isEqualTo(f.type());
            assertThat(mine.help()).as(f.name()).isEqualTo(f.help());
            assertThat(shape(mine)).as(f.name()).isEqualTo(shape(f));
        }
        List<String> realOrder = real.families().stream()
                .map(Family::name)
                .filter(n -> !n.equals("sglang:func_latency_seconds"))
                .toList();
        assertThat(ours.families().stream()
                        .map(Family::name)
                        .filter(realOrder::contains)
                        .toList())
                .isEqualTo(realOrder);
    }

    @Test
    void histogramsStartWithTheSumLikeTheMultiprocessCollector() {
        EngineMetrics m = MetricsRendererTest.filled(MetricsFlavor.SGLANG, MetricsRendererTest.loraConfig(), 2);

        Exposition e =
                PrometheusTextParser.parse(MetricsRenderer.render(MetricsFlavor.SGLANG, m, MetricsOptions.defaults()));

        assertThat(e.families())
                .filteredOn(f -> f.type().equals("histogram"))
                .hasSize(3)
                .allSatisfy(f -> assertThat(f.samples().get(0).name()).isEqualTo(f.name() + "_sum"));
    }

    @Test
    void cacheConfigInfoCarriesTheKvGeometryGieReads() {
        EngineMetrics m = MetricsFlavor.SGLANG.newEngineMetrics(MetricsRendererTest.loraConfig());

        Exposition e =
                PrometheusTextParser.parse(MetricsRenderer.render(MetricsFlavor.SGLANG, m, MetricsOptions.defaults()));

        Sample info = e.family("sglang:cache_config_info").samples().get(0);
        long pages = Long.parseLong(info.labels().get("num_pages"));
        long pageSize = Long.parseLong(info.labels().get("page_size"));
        assertThat(pages * pageSize).isEqualTo(m.config().kvCapacityTokens());
    }

    /** Sample names with their label names, in order: the shape of a family independent of values. */
    private static List<String> shape(Family f) {
        return f.samples().stream()
                .map(s -> s.name() + s.labels().keySet().stream().sorted().toList() + leOf(s))
                .toList();
    }

    private static String leOf(Sample s) {
        return s.labels().containsKey("le") ? "@" + s.labels().get("le") : "";
    }
}
