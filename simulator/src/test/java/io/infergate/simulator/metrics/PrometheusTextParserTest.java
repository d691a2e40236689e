package io.infergate.simulator.metrics;

import static io.infergate.simulator.metrics.ScrapeAssertions.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import io.infergate.simulator.metrics.PrometheusTextParser.ParseException;
import io.infergate.simulator.metrics.PrometheusTextParser.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrometheusTextParserTest {

    @Test
    void parsesTheRealSglangScrape() {
        Exposition e = ScrapeAssertions.parseWellFormed(Fixtures.read(Fixtures.SGLANG));

        assertThat(e.families()).hasSize(12);
        Family ttft = e.family("sglang:time_to_first_token_seconds");
        assertThat(ttft.type()).isEqualTo("histogram");
        assertThat(ttft.help()).isEqualTo("Histogram of time to first token in seconds.");
        Map<String, String> model = labels("model_name", "meta-llama/Llama-3.1-8B-Instruct");
        assertThat(e.value("sglang:time_to_first_token_seconds_count", model))
                .isEqualTo(e.value(
                        "sglang:time_to_first_token_seconds_bucket", ScrapeAssertions.with(model, "le", "+Inf")));
        assertThat(e.value("sglang:time_per_output_token_seconds_count", model)).isEqualTo(7.400757e6);
        assertThat(e.find("sglang:func_latency_seconds_bucket", labels("le", "0.07500000000000001")))
                .hasSize(1);
        assertThat(e.value("sglang:prompt_tokens_total", model)).isEqualTo(8.128902e6);
    }

    @Test
    void parsesTheRealTritonScrape() {
        Exposition e = ScrapeAssertions.parseWellFormed(Fixtures.read(Fixtures.TRITON));

        assertThat(e.families())
                .extracting(Family::name)
                .containsExactly(
                        "nv_trt_llm_request_metrics",
                        "nv_trt_llm_runtime_memory_metrics",
                        "nv_trt_llm_kv_cache_block_metrics",
                        "nv_trt_llm_inflight_batcher_metrics",
                        "nv_trt_llm_general_metrics",
                        "nv_trt_llm_disaggregated_serving_metrics");
        assertThat(e.value(
                        "nv_trt_llm_request_metrics",
                        labels("model", "tensorrt_llm", "request_type", "max", "version", "1")))
                .isEqualTo(512);
        assertThat(e.value(
                        "nv_trt_llm_kv_cache_block_metrics",
                        labels("kv_cache_block_type", "fraction", "model", "tensorrt_llm", "version", "1")))
                .isEqualTo(0.4875);
    }

    @Test
    void rejectsTheElisionInTheVllmDocsAndParsesTheRest() {
        String raw = Fixtures.read(Fixtures.VLLM);
        int elided = raw.substring(0, raw.indexOf(",...}")).split("\n").length;

        assertThatThrownBy(() -> PrometheusTextParser.parse(raw))
                .isInstanceOf(ParseException.class)
                .satisfies(t -> assertThat(((ParseException) t).line()).isEqualTo(elided));

        Exposition e = PrometheusTextParser.parse(Fixtures.vllmWithoutElision());
        Map<String, String> model = labels("model_name", "meta-llama/Llama-3.1-8B-Instruct");
        assertThat(e.find("vllm:request_success_total", model))
                .extracting(s -> s.labels().get("finished_reason"))
                .containsExactly("stop", "length", "abort");
        assertThat(e.family("vllm:request_success_total").type()).isEqualTo("counter");
        assertThat(e.family("http_requests_total").type()).isEqualTo("untyped");
        assertThat(e.family("vllm:iteration_tokens_total").samples())
                .extracting(Sample::name)
                .containsExactly(
                        "vllm:iteration_tokens_total_sum",
                        "vllm:iteration_tokens_total_bucket",
                        "vllm:iteration_tokens_total_bucket");
        assertThat(e.family("vllm:cache_config_info").samples().get(0).labels())
                .containsEntry("enable_prefix_caching", "False")
                .containsEntry("gpu_memory_utilization", "0.9");
    }

    @Test
    void labelOrderDoesNotMatter() {
        Exposition a = PrometheusTextParser.parse("m{a=\"1\",b=\"2\",c=\"3\"} 4\n");
        Exposition b = PrometheusTextParser.parse("m{c=\"3\",a=\"1\",b=\"2\"} 4\n");

        assertThat(a.samples().get(0).labels()).isEqualTo(b.samples().get(0).labels());
        assertThat(b.value("m", labels("a", "1", "b", "2", "c", "3"))).isEqualTo(4);
    }

    @Test
    void unescapesLabelValuesAndHelp() {
        Exposition e = PrometheusTextParser.parse("""
                # HELP m A \\\\ backslash and a\\nnewline; "quotes" stay.
                # TYPE m gauge
                m{path="C:\\\\dir",q="say \\"hi\\"",nl="a\\nb",braces="},{=",empty=""} 1
                """);

        assertThat(e.family("m").help()).isEqualTo("A \\ backslash and a\nnewline; \"quotes\" stay.");
        assertThat(e.samples().get(0).labels())
                .isEqualTo(Map.of("path", "C:\\dir", "q", "say \"hi\"", "nl", "a\nb", "braces", "},{=", "empty", ""));
    }

    @Test
    void specialValuesTimestampsWhitespaceAndTrailingComma() {
        Exposition e = PrometheusTextParser.parse("""
                a NaN
                b +Inf
                c -Inf
                d Nan
                e inf 1700000000000
                f{x="1",} 1.5e-3 -5
                  g  { x = "1" }   2\t
                h 3
                """);

        List<Sample> s = e.samples();
        assertThat(s.get(0).value()).isNaN();
        assertThat(s.get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(s.get(3).value()).isNaN();
        assertThat(s.get(4).timestampMillis()).hasValue(1_700_000_000_000L);
        assertThat(s.get(5).value()).isEqualTo(0.0015);
        assertThat(s.get(5).timestampMillis()).hasValue(-5);
        assertThat(s.get(6).labels()).isEqualTo(Map.of("x", "1"));
        assertThat(s.get(7).timestampMillis()).isEmpty();
    }

    @Test
    void crlfLineEndsParseLikeLf() {
        String text = Fixtures.read(Fixtures.SGLANG);

        Exposition crlf = PrometheusTextParser.parse(text.replace("\n", "\r\n"));

        assertThat(crlf).isEqualTo(PrometheusTextParser.parse(text));
    }

    @Test
    void blankLinesAndCommentsAreSkipped() {
        Exposition e = PrometheusTextParser.parse("""
                # a comment
                # comment: HELP and TYPE count only as the first word after the hash
                # TYPE m counter

                m 1

                """);

        assertThat(e.family("m").type()).isEqualTo("counter");
        assertThat(e.samples()).hasSize(1);
    }

    @Test
    void histogramAndSummarySamplesJoinTheirFamily() {
        Exposition e = PrometheusTextParser.parse("""
                # TYPE h histogram
                h_bucket{le="1"} 1
                h_bucket{le="+Inf"} 2
                h_sum 3
                h_count 2
                # TYPE s summary
                s{quantile="0.5"} 1
                s_sum 3
                s_count 2
                # TYPE h_created gauge
                h_created 1.7e9
                """);

        assertThat(e.families()).extracting(Family::name).containsExactly("h", "s", "h_created");
        assertThat(e.family("h").samples()).hasSize(4);
        assertThat(e.family("s").samples()).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "m{a=\"\\t\"} 1\n", // unknown escape
                "m{a=\"1\" 1\n", // unterminated label set
                "m{a=\"1} 1\n", // unterminated value
                "m{a=\"1\",a=\"2\"} 1\n", // duplicate label
                "m{1a=\"1\"} 1\n", // bad label name
                "m{a=1} 1\n", // unquoted value
                "m{a=\"1\"b=\"2\"} 1\n", // missing comma
                "0m 1\n", // bad metric name
                "m one\n", // bad value
                "m 0x10\n", // not a Go float
                "m 1d\n", // not a Go float
                "m\n", // no value
                "m 1 1.5\n", // fractional timestamp
                "m 1 2 3\n", // trailing text
                "m 1", // no final line feed
                "# TYPE m gauge\n# TYPE m gauge\nm 1\n", // second TYPE
                "# HELP m a\n# HELP m b\nm 1\n", // second HELP
                "# TYPE m bogus\nm 1\n", // unknown type
                "# TYPE m gauge extra\nm 1\n", // trailing text after type
                "m 1\n# TYPE m gauge\n", // TYPE after samples
                "# HELP m x\\ty\n", // bad escape in HELP
                "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n", // family not contiguous
                "# TYPE h histogram\nh_bucket 1\n", // bucket without le
                "# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", // non-numeric le
            })
    void rejectsMalformedInput(String text) {
        assertThatThrownBy(() -> PrometheusTextParser.parse(text))
                .isInstanceOf(ParseException.class)
                .hasMessageStartingWith("line ");
    }

    @Test
    void errorsNameTheLine() {
        assertThatThrownBy(() -> PrometheusTextParser.parse("a 1\nb 2\nc{x=\"\\q\"} 3\n"))
                .isInstanceOf(ParseException.class)
                .satisfies(t -> assertThat(((ParseException) t).line()).isEqualTo(3));
    }
}
