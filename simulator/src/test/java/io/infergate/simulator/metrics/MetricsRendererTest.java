package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.EngineMetricsTestSupport;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MetricsRendererTest {

    private static final double EPOCH = 1_735_689_600.0;

    static EngineConfig loraConfig() {
        return Preset.DEFAULT.config().toBuilder()
                .enableLora(true)
                .maxLoras(4)
                .maxCpuLoras(8)
                .build();
    }

    static EngineMetrics filled(MetricsFlavor flavor, EngineConfig config, long seed) {
        EngineMetrics m = flavor.newEngineMetrics(config);
        EngineMetricsTestSupport.fill(m, seed, EPOCH);
        return m;
    }

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void everyEngineValueParsesBackFromTheScrape(MetricsFlavor flavor) {
        EngineMetrics m = filled(flavor, loraConfig(), 42);
        MetricsOptions options = MetricsOptions.defaults();

        String text = MetricsRenderer.render(flavor, m, options);

        FlavorExpectations.assertScrape(flavor, text, m, options);
    }

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void theGaugesPageIsTheFullPageWithoutItsHistogramFamilies(MetricsFlavor flavor) {
        EngineMetrics m = filled(flavor, loraConfig(), 7);
        MetricsOptions options = MetricsOptions.defaults();

        String full = MetricsRenderer.render(flavor, m, options);
        String gauges = MetricsRenderer.renderGauges(flavor, m, options);

        assertThat(gauges).doesNotContain(" histogram\n").contains(" gauge\n");
        // every line of the gauges page is a line of the full page, in the same order
        List<String> fullLines = new ArrayList<>(List.of(full.split("\n")));
        int at = 0;
        for (String line : gauges.split("\n")) {
            int found = fullLines.subList(at, fullLines.size()).indexOf(line);
            assertThat(found).as("line %s", line).isNotNegative();
            at += found + 1;
        }
        if (full.contains(" histogram\n")) {
            assertThat(gauges.length()).isLessThan(full.length() / 2);
        } else {
            assertThat(gauges).isEqualTo(full); // Triton: no histogram families at all
        }
    }

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void anEmptyEngineRendersZerosAndEmptyHistograms(MetricsFlavor flavor) {
        EngineMetrics m = flavor.newEngineMetrics(Preset.DEFAULT.config());

        String text = MetricsRenderer.render(flavor, m, MetricsOptions.defaults());

        FlavorExpectations.assertScrape(flavor, text, m, MetricsOptions.defaults());
    }

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void labelOrderDoesNotChangeWhatIsParsed(MetricsFlavor flavor) {
        EngineMetrics m = filled(flavor, loraConfig(), 7);
        String text = MetricsRenderer.render(flavor, m, MetricsOptions.defaults());

        String reversed = reverseLabels(text);

        if (text.lines().anyMatch(l -> !l.startsWith("#") && l.contains("\","))) { // TGI has single-label lines only
            assertThat(reversed).isNotEqualTo(text);
        }
        FlavorExpectations.assertScrape(flavor, reversed, m, MetricsOptions.defaults());
        assertThat(sampleSet(PrometheusTextParser.parse(reversed)))
                .isEqualTo(sampleSet(PrometheusTextParser.parse(text)));
    }

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void createdSamplesOnlyWhereTheServerLibraryHasThem(MetricsFlavor flavor) {
        EngineMetrics m = filled(flavor, loraConfig(), 3);
        MetricsOptions options = new MetricsOptions(false, "0", true, EPOCH + 0.25);

        String text = MetricsRenderer.render(flavor, m, options);

        Exposition e = FlavorExpectations.assertScrape(flavor, text, m, options);
        boolean expected = flavor == MetricsFlavor.VLLM || flavor == MetricsFlavor.TRTLLM;
        assertThat(e.families().stream().anyMatch(f -> f.name().endsWith("_created")))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void renderingIsDeterministic(MetricsFlavor flavor) {
        EngineMetrics m = filled(flavor, loraConfig(), 11);

        assertThat(MetricsRenderer.render(flavor, m, MetricsOptions.defaults()))
                .isEqualTo(MetricsRenderer.render(flavor, m, MetricsOptions.defaults()));
    }

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void aServedModelNameWithQuotesBackslashesAndNewlinesRoundTrips(MetricsFlavor flavor) {
        EngineConfig config = loraConfig().toBuilder()
                .servedModelName("org/\"odd\"\\model\nv2 {x=1,y}")
                .build();
        EngineMetrics m = filled(flavor, config, 5);

        String text = MetricsRenderer.render(flavor, m, MetricsOptions.defaults());

        FlavorExpectations.assertScrape(flavor, text, m, MetricsOptions.defaults());
        assertThat(text).doesNotContain("\"odd\"\\model\nv2");
    }

    @Test
    void rejectsNullArguments() {
        EngineMetrics m = new EngineMetrics(Preset.DEFAULT.config());
        assertThatThrownBy(() -> MetricsRenderer.render(null, m, MetricsOptions.defaults()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MetricsRenderer.render(MetricsFlavor.VLLM, null, MetricsOptions.defaults()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MetricsRenderer.render(MetricsFlavor.VLLM, m, null))
                .isInstanceOf(NullPointerException.class);
    }

    private static Set<String> sampleSet(Exposition e) {
        return e.samples().stream().map(MetricsRendererTest::key).collect(Collectors.toSet());
    }

    private static String key(Sample s) {
        return s.name() + new TreeMap<>(s.labels()) + "=" + s.value();
    }

    /** Rewrites every sample line with its labels in reverse order, quoting and escapes untouched. */
    static String reverseLabels(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            int open = line.indexOf('{');
            if (line.startsWith("#") || open < 0) {
                out.append(line).append('\n');
                continue;
            }
            List<String> pairs = new ArrayList<>();
            int i = open + 1;
            int start = i;
            boolean quoted = false;
            for (; ; i++) {
                char c = line.charAt(i);
                if (quoted && c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && (c == ',' || c == '}')) {
                    pairs.add(line.substring(start, i));
                    start = i + 1;
                    if (c == '}') {
                        break;
                    }
                }
            }
            Collections.reverse(pairs);
            out.append(line, 0, open + 1)
                    .append(String.join(",", pairs))
                    .append(line.substring(i))
                    .append('\n');
        }
        out.setLength(out.length() - 1); // split kept the empty tail after the final \n
        return out.toString();
    }

    @Test
    void reverseLabelsKeepsQuotedCommasAndBraces() {
        String line = "m{a=\"x,}\\\"y\",b=\"2\"} 1\n";
        assertThat(reverseLabels(line)).isEqualTo("m{b=\"2\",a=\"x,}\\\"y\"} 1\n");
        assertThat(PrometheusTextParser.parse(reverseLabels(line)).value("m", Map.of("a", "x,}\"y", "b", "2")))
                .isEqualTo(1.0);
    }
}
