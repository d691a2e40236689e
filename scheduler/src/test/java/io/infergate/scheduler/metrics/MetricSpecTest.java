package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricSpecTest {

    @Test
    void parsesGieSpecsWithUnquotedValues() {
        MetricSpec spec = MetricSpec.parse("nv_trt_llm_request_metrics{request_type=waiting}");

        assertThat(spec.name()).isEqualTo("nv_trt_llm_request_metrics");
        assertThat(spec.labels()).containsExactly(Map.entry("request_type", "waiting"));
        assertThat(spec).hasToString("nv_trt_llm_request_metrics{request_type=\"waiting\"}");
    }

    @Test
    void parsesEveryQuotingStyleBlanksAndATrailingComma() {
        MetricSpec spec = MetricSpec.parse(" m { a = \"x\\\"y\\n\" , b='s\\'q', c=`raw\\n`, d=v-1.2/3 , } ");

        assertThat(spec.labels())
                .containsExactly(
                        Map.entry("a", "x\"y\n"),
                        Map.entry("b", "s'q"),
                        Map.entry("c", "raw\\n"),
                        Map.entry("d", "v-1.2/3"));
        assertThat(MetricSpec.parse(spec.toString())).isEqualTo(spec);
    }

    @Test
    void keepsOnlyEqualityMatchersOnRealLabels() {
        MetricSpec spec = MetricSpec.parse("m{a!=\"1\",b=~\"x.*\",c!~y,__name__=\"m\",d=\"4\",d=\"5\",e=\"\"}");

        assertThat(spec.labels()).containsExactly(Map.entry("d", "5"), Map.entry("e", ""));
        assertThat(MetricSpec.parse("vllm:num_requests_waiting")).isEqualTo(MetricSpec.of("vllm:num_requests_waiting"));
        assertThat(MetricSpec.parse("m{}").labels()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{a=\"1\"}",
                "1m",
                "m{",
                "m{a}",
                "m{a=}",
                "m{a=\"1\"",
                "m{a=\"1\" b=\"2\"}",
                "m{a==1}",
                "m{a=\"1}",
                "m{a='1}",
                "m{a=`1}",
                "m{a=\"\\q\"}",
                "m x",
                "m{1a=1}",
                "m}",
                "m{,}",
                "m{a=1,,}"
            })
    void rejectsBadSpecsSayingWhereAndWhatWasExpected(String bad) {
        assertThatThrownBy(() -> MetricSpec.parse(bad))
                .isInstanceOf(InvalidMetricSpecException.class)
                .hasMessageStartingWith("metric spec '" + bad + "': ")
                .hasMessageContaining(" at offset ")
                .hasMessageEndingWith("(expected: name{label=value,...}, for example "
                        + "nv_trt_llm_request_metrics{request_type=waiting})");
    }

    @Test
    void namesTheProblemPrecisely() {
        assertThatThrownBy(() -> MetricSpec.parse("m{a=}")).hasMessageContaining("expected a label value at offset 4");
        assertThatThrownBy(() -> MetricSpec.parse("m{a}"))
                .hasMessageContaining("expected one of =, !=, =~, !~ at offset 3");
        assertThatThrownBy(() -> MetricSpec.parse("m{a=\"1\"")).hasMessageContaining("missing '}' at offset 7");
        assertThatThrownBy(() -> MetricSpec.parse("")).isInstanceOf(InvalidMetricSpecException.class);
        assertThatThrownBy(() -> MetricSpec.parse(null)).isInstanceOf(InvalidMetricSpecException.class);
    }

    @Test
    void emptyMeansDisabled() {
        assertThat(MetricSpec.parseOrNull(null)).isNull();
        assertThat(MetricSpec.parseOrNull("  ")).isNull();
        assertThat(MetricSpec.parseOrNull("x")).isEqualTo(MetricSpec.of("x"));
    }

    @Test
    void constructorValidatesNames() {
        assertThatThrownBy(() -> new MetricSpec("bad-name", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad-name'");
        assertThatThrownBy(() -> new MetricSpec("m", Map.of("bad-label", "x"))).hasMessageContaining("'bad-label'");
    }

    @Test
    void matchesSeriesByEqualityAndTreatsAnEmptyValueAsAbsent() {
        String text = """
                m{request_type="waiting",model="t"} 1
                m{model="t",request_type="scheduled"} 2
                m{request_type="waiting"} 3
                m{request_type=""} 4
                m 5
                """;

        assertThat(matching("m{request_type=waiting}", text)).containsExactly(1.0, 3.0);
        assertThat(matching("m{request_type=\"waiting\",model=\"t\"}", text)).containsExactly(1.0);
        assertThat(matching("m{request_type=\"\"}", text)).containsExactly(4.0, 5.0);
        assertThat(matching("m", text)).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
    }

    private static List<Double> matching(String spec, String text) {
        MetricSpec s = MetricSpec.parse(spec);
        List<Double> values = new ArrayList<>();
        new PrometheusTextParser(List.of(s.name())).parse(text, sample -> {
            if (s.matches(sample)) {
                values.add(sample.value());
            }
        });
        return values;
    }
}
