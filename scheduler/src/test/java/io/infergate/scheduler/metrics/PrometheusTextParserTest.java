package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.infergate.scheduler.metrics.RecordingVisitor.Rec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextParserTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    @Test
    void readsTheVllmDocsExcerptAndReportsItsElidedLabelSet() {
        RecordingVisitor v = new RecordingVisitor();
        PrometheusTextParser parser = new PrometheusTextParser(List.of(
                "vllm:num_requests_running",
                "vllm:generation_tokens",
                "vllm:request_success_total",
                "vllm:time_to_first_token_seconds",
                "vllm:cache_config_info",
                "http_requests_total",
                "vllm:iteration_tokens_total"));

        ParseResult r = parser.parse(MetricsResources.bytes(MetricsResources.VLLM_DOCS), v);

        assertThat(r.lines()).isEqualTo(35);
        assertThat(v.samples)
                .extracting(Rec::name, Rec::suffix, Rec::type, Rec::labels, Rec::value, Rec::line)
                .containsExactly(
                        tuple(
                                "vllm:num_requests_running",
                                SampleSuffix.NONE,
                                MetricType.GAUGE,
                                Map.of("model_name", MODEL),
                                8.0,
                                3),
                        // "# TYPE vllm:generation_tokens_total counter" types the wanted family vllm:generation_tokens
                        tuple(
                                "vllm:generation_tokens_total",
                                SampleSuffix.TOTAL,
                                MetricType.COUNTER,
                                Map.of("model_name", MODEL),
                                27453.0,
                                6),
                        tuple(
                                "vllm:request_success_total",
                                SampleSuffix.NONE,
                                MetricType.COUNTER,
                                Map.of("finished_reason", "stop", "model_name", MODEL),
                                1.0,
                                9),
                        tuple(
                                "vllm:request_success_total",
                                SampleSuffix.NONE,
                                MetricType.COUNTER,
                                Map.of("finished_reason", "length", "model_name", MODEL),
                                131.0,
                                10),
                        tuple(
                                "vllm:request_success_total",
                                SampleSuffix.NONE,
                                MetricType.COUNTER,
                                Map.of("finished_reason", "abort", "model_name", MODEL),
                                0.0,
                                11),
                        tuple(
                                "vllm:time_to_first_token_seconds_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "0.001", "model_name", MODEL),
                                0.0,
                                14),
                        tuple(
                                "vllm:time_to_first_token_seconds_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "0.005", "model_name", MODEL),
                                0.0,
                                15),
                        tuple(
                                "vllm:time_to_first_token_seconds_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "0.01", "model_name", MODEL),
                                0.0,
                                16),
                        tuple(
                                "vllm:time_to_first_token_seconds_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "0.02", "model_name", MODEL),
                                13.0,
                                17),
                        tuple(
                                "vllm:time_to_first_token_seconds_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "0.04", "model_name", MODEL),
                                97.0,
                                18),
                        tuple(
                                "vllm:time_to_first_token_seconds_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "0.06", "model_name", MODEL),
                                123.0,
                                19),
                        tuple(
                                "vllm:time_to_first_token_seconds_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "0.08", "model_name", MODEL),
                                138.0,
                                20),
                        tuple(
                                "vllm:time_to_first_token_seconds_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "0.1", "model_name", MODEL),
                                140.0,
                                21),
                        tuple(
                                "vllm:time_to_first_token_seconds_count",
                                SampleSuffix.COUNT,
                                MetricType.HISTOGRAM,
                                Map.of("model_name", MODEL),
                                140.0,
                                22),
                        tuple(
                                "http_requests_total",
                                SampleSuffix.NONE,
                                MetricType.UNTYPED,
                                Map.of("handler", "/v1/completions", "method", "POST", "status", "2xx"),
                                201.0,
                                26),
                        tuple(
                                "vllm:iteration_tokens_total_sum",
                                SampleSuffix.SUM,
                                MetricType.HISTOGRAM,
                                Map.of("model_name", "unsloth/Llama-3.2-1B-Instruct"),
                                0.0,
                                33),
                        tuple(
                                "vllm:iteration_tokens_total_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "1.0", "model_name", "unsloth/Llama-3.2-1B-Instruct"),
                                3.0,
                                34),
                        tuple(
                                "vllm:iteration_tokens_total_bucket",
                                SampleSuffix.BUCKET,
                                MetricType.HISTOGRAM,
                                Map.of("le", "8.0", "model_name", "unsloth/Llama-3.2-1B-Instruct"),
                                3.0,
                                35));
        // The docs elide the rest of cache_config_info's labels with ",...}", which is not a label.
        assertThat(r.problemCount()).isEqualTo(1);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(25);
            assertThat(p.reason()).isEqualTo("expected a label name, found '.'");
        });
        assertThat(r.samples()).isEqualTo(v.samples.size());
    }

    @Test
    void suffixesFollowTheDeclaredTypeAndCreatedSamplesNeedToBeAskedFor() {
        String text = """
                # TYPE foo counter
                foo_total 3
                foo_created 1.7e9
                # TYPE bar gauge
                bar 1
                bar_total 9
                # TYPE h histogram
                h_bucket{le="1"} 1
                h_bucket{le="+Inf"} 2
                h_sum 3.5
                h_count 2
                h_created 1.7e9
                # TYPE s summary
                s{quantile="0.5"} 1
                s_sum 2
                s_count 3
                s_bucket 9
                u_total 4
                u_sum 5
                u 6
                """;

        List<Rec> got = RecordingVisitor.parse(text, "foo", "bar", "h", "s", "u");

        assertThat(got)
                .extracting(Rec::name, Rec::family, Rec::suffix, Rec::value)
                .containsExactly(
                        tuple("foo_total", "foo", SampleSuffix.TOTAL, 3.0),
                        tuple("bar", "bar", SampleSuffix.NONE, 1.0),
                        tuple("h_bucket", "h", SampleSuffix.BUCKET, 1.0),
                        tuple("h_bucket", "h", SampleSuffix.BUCKET, 2.0),
                        tuple("h_sum", "h", SampleSuffix.SUM, 3.5),
                        tuple("h_count", "h", SampleSuffix.COUNT, 2.0),
                        tuple("s", "s", SampleSuffix.NONE, 1.0),
                        tuple("s_sum", "s", SampleSuffix.SUM, 2.0),
                        tuple("s_count", "s", SampleSuffix.COUNT, 3.0),
                        tuple("u", "u", SampleSuffix.NONE, 6.0));
        assertThat(RecordingVisitor.parse(text, "foo_created", "h_created", "bar_total"))
                .extracting(Rec::name, Rec::suffix, Rec::value)
                .containsExactly(
                        tuple("foo_created", SampleSuffix.NONE, 1.7e9),
                        tuple("bar_total", SampleSuffix.NONE, 9.0),
                        tuple("h_created", SampleSuffix.NONE, 1.7e9));
    }

    @Test
    void anExactlyWantedNameWinsOverASuffixRule() {
        String text = """
                # TYPE c counter
                c_total 1
                c 2
                """;

        assertThat(RecordingVisitor.parse(text, "c", "c_total"))
                .extracting(Rec::family, Rec::suffix, Rec::value)
                .containsExactly(tuple("c_total", SampleSuffix.NONE, 1.0), tuple("c", SampleSuffix.NONE, 2.0));
    }

    @Test
    void readsCountersWithAndWithoutTheTotalSuffix() {
        // TGI's exporter (metrics-exporter-prometheus 0.15) writes no _total; other exporters do.
        String tgi = """
                # HELP tgi_request_success Number of successful requests
                # TYPE tgi_request_success counter
                tgi_request_success 54

                """;
        String openMetricsStyle = """
                # TYPE tgi_request_success counter
                tgi_request_success_total 54
                """;

        assertThat(RecordingVisitor.parse(tgi, "tgi_request_success"))
                .extracting(Rec::name, Rec::type, Rec::value)
                .containsExactly(tuple("tgi_request_success", MetricType.COUNTER, 54.0));
        assertThat(RecordingVisitor.parse(openMetricsStyle, "tgi_request_success"))
                .extracting(Rec::name, Rec::type, Rec::value)
                .containsExactly(tuple("tgi_request_success_total", MetricType.COUNTER, 54.0));
    }

    @Test
    void unescapesLabelValuesAndHelpText() {
        String text = """
                # HELP esc A \\\\ backslash\\nnext line, "quotes" and \\t kept
                # TYPE esc gauge
                esc{path="C:\\\\dir\\\\",quote="say \\"hi\\"",nl="a\\nb",utf8="K\u00fchlschrank \u2603"} 1
                """;
        RecordingVisitor v = new RecordingVisitor(true);

        ParseResult r = new PrometheusTextParser(List.of("esc")).parse(text, v);

        assertThat(r.hasProblems()).isFalse();
        assertThat(v.help).containsExactly("0:A \\ backslash\nnext line, \"quotes\" and \\t kept");
        assertThat(v.samples)
                .singleElement()
                .extracting(Rec::labels)
                .isEqualTo(Map.of(
                        "path", "C:\\dir\\", "quote", "say \"hi\"", "nl", "a\nb", "utf8", "K\u00fchlschrank \u2603"));
    }

    @Test
    void helpIsNotDecodedForVisitorsThatDoNotAsk() {
        RecordingVisitor v = new RecordingVisitor(false);

        new PrometheusTextParser(List.of("a")).parse("# HELP a text\na 1\n", v);

        assertThat(v.help).isEmpty();
        assertThat(v.samples).hasSize(1);
    }

    @Test
    void labelLookupsDoNotDependOnLabelOrder() {
        String text = """
                m{engine="0",model_name="x",reason="capacity"} 1
                m{reason="deferred",model_name="x",engine="0"} 2
                """;
        PrometheusTextParser parser = new PrometheusTextParser(List.of("m"));
        StringBuilder seen = new StringBuilder();

        parser.parse(
                text,
                s -> seen.append(s.label("reason"))
                        .append('=')
                        .append(s.value())
                        .append(s.labelEquals("model_name", "x"))
                        .append(s.labelEquals("engine", "1"))
                        .append(s.labelEquals("missing", ""))
                        .append(s.indexOfLabel("engine"))
                        .append(';'));

        assertThat(seen).hasToString("capacity=1.0truefalsefalse0;deferred=2.0truefalsefalse2;");
    }

    @Test
    void labelEqualsComparesEscapedAndNonAsciiValues() {
        String text = "m{a=\"x\\\"y\",b=\"\u00e9t\u00e9\",c=\"abc\"} 1\n";
        PrometheusTextParser parser = new PrometheusTextParser(List.of("m"));
        StringBuilder seen = new StringBuilder();

        parser.parse(
                text,
                s -> seen.append(s.labelEquals("a", "x\"y"))
                        .append(s.labelEquals("a", "x\\\"y"))
                        .append(s.labelEquals("b", "\u00e9t\u00e9"))
                        .append(s.labelEquals("b", "ete"))
                        .append(s.labelEquals("c", "abd"))
                        .append(s.labelEquals("c", "ab"))
                        .append(s.labelEquals("c", "\u00e9bc")));

        assertThat(seen).hasToString("truefalsetruefalsefalsefalsefalse");
    }

    @Test
    void acceptsEmptyLabelSetsTrailingCommasAndBlanksAroundTokens() {
        String text = "m{} 1\nm{a=\"1\",} 2\n  m \t{ a = \"1\" , b=\"2\" ,} \t 3  \t\nm{a=\"1\"}4\n";

        assertThat(RecordingVisitor.parse(text, "m"))
                .extracting(Rec::labels, Rec::value)
                .containsExactly(
                        tuple(Map.of(), 1.0),
                        tuple(Map.of("a", "1"), 2.0),
                        tuple(Map.of("a", "1", "b", "2"), 3.0),
                        tuple(Map.of("a", "1"), 4.0));
    }

    @Test
    void readsOptionalTimestampsIncludingNegativeOnes() {
        String text = "m 1 1700000000123\nm 2 -5\nm 3\nm 4 +7\n";

        assertThat(RecordingVisitor.parse(text, "m"))
                .extracting(Rec::value, Rec::hasTimestamp, Rec::timestampMs)
                .containsExactly(
                        tuple(1.0, true, 1_700_000_000_123L),
                        tuple(2.0, true, -5L),
                        tuple(3.0, false, 0L),
                        tuple(4.0, true, 7L));
    }

    @Test
    void readsSpecialAndScientificValuesAsEachServerSpellsThem() {
        String text = """
                m{s="python"} NaN
                m{s="python"} +Inf
                m{s="python"} -Inf
                m{s="cpp"} Nan
                m{s="rust"} inf
                m{s="rust"} -inf
                m{s="go"} Infinity
                m{s="python"} 1e+010
                m{s="python"} 7.557572e+06
                m{s="python"} 1.7395575657589855e+09
                m{s="any"} -0.0
                m{s="any"} .5
                m{s="any"} 5.
                m{s="any"} 2E-3
                """;

        List<Rec> got = RecordingVisitor.parse(text, "m");

        assertThat(got)
                .extracting(Rec::value)
                .containsExactly(
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY,
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY,
                        Double.POSITIVE_INFINITY,
                        1e10,
                        7_557_572.0,
                        1.7395575657589855e9,
                        -0.0,
                        0.5,
                        5.0,
                        0.002);
        assertThat(Double.doubleToRawLongBits(got.get(10).value())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void handlesCrlfBlankLinesAndAMissingFinalNewline() {
        String text = "# TYPE a gauge\r\n\r\na{x=\"1\"} 1 10\r\n   \r\n\t\n# just a comment\r\na 2\r\n\r\na 3";
        RecordingVisitor v = new RecordingVisitor();

        ParseResult r = new PrometheusTextParser(List.of("a")).parse(text, v);

        assertThat(r.hasProblems()).isFalse();
        assertThat(r.lines()).isEqualTo(9);
        assertThat(v.samples)
                .extracting(Rec::value, Rec::line, Rec::labels, Rec::timestampMs, Rec::type)
                .containsExactly(
                        tuple(1.0, 3, Map.of("x", "1"), 10L, MetricType.GAUGE),
                        tuple(2.0, 7, Map.of(), 0L, MetricType.GAUGE),
                        tuple(3.0, 9, Map.of(), 0L, MetricType.GAUGE));
    }

    @Test
    void neverCallsTheVisitorForUnwantedFamilies() {
        byte[] page = MetricsResources.bytes(MetricsResources.SIM_VLLM_LEGACY_CREATED);
        PrometheusTextParser parser = new PrometheusTextParser(List.of("vllm:num_requests_waiting"));
        StringBuilder families = new StringBuilder();

        ParseResult r = parser.parse(page, s -> families.append(s.name()).append(';'));

        assertThat(families).hasToString("vllm:num_requests_waiting;");
        assertThat(r.samples()).isEqualTo(1);
        assertThat(r.hasProblems()).isFalse();
        assertThat(new PrometheusTextParser(List.of())
                        .parse(page, s -> {
                            throw new AssertionError("no family is wanted, yet got " + s);
                        })
                        .samples())
                .isZero();
    }

    @Test
    void aSimilarButLongerOrShorterNameIsNotAWantedFamily() {
        String text = "vllm:num_requests_waiting_by_reason{reason=\"capacity\"} 5\nvllm:num_requests 6\n"
                + "vllm:num_requests_waiting 7\n";

        assertThat(RecordingVisitor.parse(text, "vllm:num_requests_waiting"))
                .extracting(Rec::value)
                .containsExactly(7.0);
    }

    @Test
    void parsesASliceOfALargerArrayAndByteBuffersWithoutMovingThem() {
        byte[] inner = "a 1\na 2\n".getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[inner.length + 6];
        Arrays.fill(padded, (byte) '#');
        System.arraycopy(inner, 0, padded, 3, inner.length);
        PrometheusTextParser parser = new PrometheusTextParser(List.of("a"));
        ByteBuffer heap = ByteBuffer.wrap(padded, 3, inner.length).slice();
        ByteBuffer direct = ByteBuffer.allocateDirect(inner.length).put(inner).flip();

        assertThat(parser.parse(padded, 3, inner.length, new RecordingVisitor()).samples())
                .isEqualTo(2);
        assertThat(parser.parse(heap, new RecordingVisitor()).samples()).isEqualTo(2);
        assertThat(heap.position()).isZero();
        assertThat(parser.parse(direct, new RecordingVisitor()).samples()).isEqualTo(2);
        assertThat(direct.position()).isZero();
        assertThatThrownBy(() -> parser.parse(padded, 10, inner.length, new RecordingVisitor()))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void familyIndicesFollowTheWantedOrder() {
        PrometheusTextParser parser = new PrometheusTextParser(List.of("b", "a"));
        StringBuilder seen = new StringBuilder();

        parser.parse("a 1\nb 2\n", s -> seen.append(s.familyName()).append(s.family()));

        assertThat(seen).hasToString("a1b0");
        assertThat(parser.families()).containsExactly("b", "a");
        assertThat(parser.familyIndex("a")).isEqualTo(1);
        assertThat(parser.familyIndex("c")).isEqualTo(-1);
    }

    @Test
    void rejectsBadWantedFamilies() {
        assertThatThrownBy(() -> new PrometheusTextParser(List.of("ok", "1bad")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1bad'");
        assertThatThrownBy(() -> new PrometheusTextParser(List.of("a", "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listed twice");
    }

    @Test
    void sampleViewDecodesLabelsOnDemand() {
        String text = "m{b=\"2\",a=\"1\",b=\"3\"} 5 9\n";
        StringBuilder seen = new StringBuilder();

        new PrometheusTextParser(List.of("m"))
                .parse(
                        text,
                        s -> seen.append(s.labelCount())
                                .append(s.labelName(2))
                                .append(s.labelValue(2))
                                .append(s.label("b"))
                                .append(s.label("nope"))
                                .append(' ')
                                .append(s));

        assertThat(seen).hasToString("3b32null m{b=2, a=1} 5.0 @9 (line 1)");
    }
}
