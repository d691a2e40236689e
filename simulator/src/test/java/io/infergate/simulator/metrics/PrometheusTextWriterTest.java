package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.engine.Histogram;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PrometheusTextWriterTest {

    private static final String NASTY = "back\\slash \"quoted\" new\nline }{,= ünïcödé";

    private static PrometheusTextWriter writer(TextDialect d) {
        return new PrometheusTextWriter(d, MetricsOptions.defaults());
    }

    @ParameterizedTest
    @EnumSource(TextDialect.class)
    void escapedLabelValuesAndHelpRoundTrip(TextDialect d) {
        PrometheusTextWriter w = writer(d);
        w.gauge("m", "help with " + NASTY, Labels.of("v", NASTY).and("plain", "x"), 1);

        Exposition e = PrometheusTextParser.parse(w.finish());

        assertThat(e.family("m").help()).isEqualTo("help with " + NASTY);
        assertThat(e.value("m", Map.of("v", NASTY, "plain", "x"))).isEqualTo(1);
    }

    @Test
    void escapesExactlyBackslashQuoteAndNewline() {
        PrometheusTextWriter w = writer(TextDialect.PYTHON);
        w.gauge("m", "a\\b\nc \"d\"", Labels.of("v", "a\\b\nc \"d\""), 1);

        assertThat(w.finish()).isEqualTo("""
                # HELP m a\\\\b\\nc "d"
                # TYPE m gauge
                m{v="a\\\\b\\nc \\"d\\""} 1.0
                """);
    }

    @Test
    void pythonAndCppSortLabelsRustKeepsTheirOrderWithLeLast() {
        Labels labels = Labels.of("zeta", "1").and("alpha", "2");
        Histogram h = new Histogram(new double[] {1});
        h.observe(0.5);

        for (TextDialect d :
                List.of(TextDialect.PYTHON, TextDialect.PROMETHEUS_CPP, TextDialect.RUST_METRICS_EXPORTER)) {
            PrometheusTextWriter w = writer(d);
            w.gauge("g", "g", labels, 1);
            w.histogram("h", "h", labels, h.snapshot());
            String text = w.finish();
            if (d == TextDialect.RUST_METRICS_EXPORTER) {
                assertThat(text)
                        .contains("g{zeta=\"1\",alpha=\"2\"} 1\n", "h_bucket{zeta=\"1\",alpha=\"2\",le=\"1\"} 1\n");
            } else {
                assertThat(text).contains("g{alpha=\"2\",zeta=\"1\"} 1", "h_bucket{alpha=\"2\",le=\"1");
            }
        }
    }

    @Test
    void histogramLinesFollowEachLibrarysOrder() {
        Histogram h = new Histogram(new double[] {1, 2});
        h.observe(1);
        h.observe(5);
        Map<TextDialect, List<String>> expected = Map.of(
                TextDialect.PYTHON, List.of("_bucket", "_bucket", "_bucket", "_count", "_sum"),
                TextDialect.PYTHON_MULTIPROCESS, List.of("_sum", "_bucket", "_bucket", "_bucket", "_count"),
                TextDialect.RUST_METRICS_EXPORTER, List.of("_bucket", "_bucket", "_bucket", "_sum", "_count"),
                TextDialect.PROMETHEUS_CPP, List.of("_bucket", "_bucket", "_bucket", "_sum", "_count"));

        expected.forEach((d, suffixes) -> {
            PrometheusTextWriter w = writer(d);
            w.histogram("h", "h", Labels.EMPTY, h.snapshot());
            Family f = PrometheusTextParser.parse(w.finish()).family("h");
            assertThat(f.samples())
                    .extracting(s -> s.name().substring(1))
                    .as(d.name())
                    .isEqualTo(suffixes);
            assertThat(f.samples())
                    .extracting(PrometheusTextParser.Sample::value)
                    .as(d.name())
                    .contains(1.0, 1.0, 2.0, 2.0, 6.0);
        });
    }

    @Test
    void countersGetTotalOnlyInPythonAndCreatedOnlyWhenAsked() {
        MetricsOptions created = new MetricsOptions(false, "0", true, 1_700_000_000.5);
        PrometheusTextWriter py = new PrometheusTextWriter(TextDialect.PYTHON, created);
        py.counter("c", "help", Labels.of("a", "1"), 3);
        PrometheusTextWriter rust = new PrometheusTextWriter(TextDialect.RUST_METRICS_EXPORTER, created);
        rust.counter("c", "help", Labels.of("a", "1"), 3);

        assertThat(py.finish()).isEqualTo("""
                # HELP c_total help
                # TYPE c_total counter
                c_total{a="1"} 3.0
                # HELP c_created help
                # TYPE c_created gauge
                c_created{a="1"} 1.7000000005e+09
                """);
        assertThat(rust.finish()).isEqualTo("""
                # HELP c help
                # TYPE c counter
                c{a="1"} 3

                """);
    }

    @Test
    void aNullHelpWritesOnlyTheTypeLine() {
        PrometheusTextWriter w = writer(TextDialect.RUST_METRICS_EXPORTER);
        w.gauge("g", null, Labels.EMPTY, 2.5);

        assertThat(w.finish()).isEqualTo("# TYPE g gauge\ng 2.5\n\n");
    }

    @Test
    void rejectsProgrammingErrors() {
        PrometheusTextWriter w = writer(TextDialect.PYTHON);
        w.gauge("g", "g", Labels.EMPTY, 1);

        assertThatThrownBy(() -> w.gauge("g", "g", Labels.EMPTY, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("written twice");
        assertThatThrownBy(() -> w.gauge("1g", "g", Labels.EMPTY, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metric name");
        assertThatThrownBy(() -> Labels.of("bad-name", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label name");
        assertThatThrownBy(() -> Labels.of("__reserved", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Labels.of("a", "x").and("a", "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already");
    }
}
