package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.infergate.scheduler.metrics.MetricsProblem.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real model-server scrapes (docs and third-party samples, sources in resources/metrics/README.md) read with the
 * built-in mappings.
 */
class MetricsExtractorFixturesTest {

    static final MetricsExtractor EXTRACTOR = MetricsExtractor.withBuiltins();

    static ModelServerMetrics extract(String engine, String resource) {
        return extract(engine, MetricsResources.bytes(resource));
    }

    static ModelServerMetrics extract(String engine, byte[] body) {
        return EXTRACTOR.extract(Map.of(EngineMapping.ENGINE_TYPE_LABEL, engine), body);
    }

    static ModelServerMetrics extract(String engine, String... lines) {
        return extract(engine, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void vllmDocsExcerptYieldsTheRunningCountAndReportsTheRest() {
        ModelServerMetrics m = extract("vllm", MetricsResources.VLLM_DOCS);

        assertThat(m.engine()).isEqualTo("vllm");
        assertThat(m.runningRequests()).isEqualTo(8);
        assertThat(m.hasWaitingQueue()).isFalse();
        assertThat(m.hasKvUsage()).isFalse();
        assertThat(m.hasLoraInfo()).isFalse();
        assertThat(m.hasBlockSize()).isFalse();
        assertThat(m.hasNumGpuBlocks()).isFalse();
        assertThat(m.anyKnown()).isTrue();
        assertThat(m.problems())
                .extracting(MetricsProblem::kind, MetricsProblem::message)
                .containsExactly(
                        tuple(Kind.PARSE_ERROR, "line 25: expected a label name, found '.'"),
                        tuple(Kind.MISSING, "vllm:num_requests_waiting (waiting queue): no matching series"),
                        tuple(
                                Kind.MISSING,
                                "vllm:kv_cache_usage_perc (KV-cache usage): no matching series"
                                        + " (nor the fallback vllm:gpu_cache_usage_perc)"),
                        tuple(Kind.MISSING, "vllm:lora_requests_info (LoRA info): no matching series"),
                        tuple(Kind.MISSING, "vllm:cache_config_info (cache info): no matching series"));
    }

    @Test
    void vllmPodGrepWithTheEngineLabelAndNoTypeLines() {
        ModelServerMetrics m = extract("vllm", MetricsResources.VLLM_ENGINE_GREP);

        assertThat(m.waitingQueue()).isZero();
        assertThat(m.runningRequests()).isZero();
        assertThat(m.kvUsage()).isEqualTo(0.0);
        assertThat(m.problems()).extracting(MetricsProblem::kind).containsExactly(Kind.MISSING, Kind.MISSING);
    }

    @Test
    void vllmThirdPartyFixture() {
        ModelServerMetrics m = extract("vllm", MetricsResources.VLLM_GO_FIXTURE);

        assertThat(m.waitingQueue()).isZero();
        assertThat(m.runningRequests()).isZero();
        assertThat(m.hasKvUsage()).isFalse();
        assertThat(m.problems())
                .extracting(MetricsProblem::message)
                .containsExactly(
                        "vllm:kv_cache_usage_perc (KV-cache usage): no matching series (nor the fallback vllm:gpu_cache_usage_perc)",
                        "vllm:lora_requests_info (LoRA info): no matching series",
                        "vllm:cache_config_info (cache info): no matching series");
    }

    /** GIE's {@code loraspec.go}: the series with the largest value (creation time) wins, here the second line. */
    @Test
    void loraRequestsInfoOfVllmPr13303PicksTheNewestSeries() {
        ModelServerMetrics m = extract("vllm", MetricsResources.VLLM_LORA_PR13303);

        assertThat(m.hasLoraInfo()).isTrue();
        assertThat(m.activeAdapters()).containsExactly("test-lora");
        assertThat(m.waitingAdapters()).isEmpty();
        assertThat(m.maxLoras()).isEqualTo(1);
    }

    @Test
    void loraWinnerDoesNotDependOnLineOrder() {
        String[] lines =
                MetricsResources.text(MetricsResources.VLLM_LORA_PR13303).split("\n");
        ModelServerMetrics reversed = extract("vllm", lines[2], lines[1], lines[0]);

        assertThat(reversed.activeAdapters()).containsExactly("test-lora");
        assertThat(reversed.waitingAdapters()).isEmpty();
        assertThat(reversed.maxLoras()).isEqualTo(1);
    }

    @Test
    void sglangDocsSample() {
        ModelServerMetrics m = extract("sglang", MetricsResources.SGLANG);

        assertThat(m.engine()).isEqualTo("sglang");
        assertThat(m.waitingQueue()).isEqualTo(2826);
        assertThat(m.runningRequests()).isEqualTo(162);
        assertThat(m.kvUsage()).isEqualTo(0.28);
        assertThat(m.hasLoraInfo()).isFalse();
        // The documented sample predates sglang:cache_config_info.
        assertThat(m.problems())
                .extracting(MetricsProblem::message)
                .containsExactly("sglang:cache_config_info (cache info): no matching series");
    }

    @Test
    void tritonTensorRtLlmDocsSampleIncludingTheBaseMetrics() {
        byte[] trtllm = MetricsResources.bytes(MetricsResources.TRITON_TRTLLM);
        byte[] base = MetricsResources.bytes(MetricsResources.TRITON_BASE);
        byte[] page = new byte[trtllm.length + base.length];
        System.arraycopy(trtllm, 0, page, 0, trtllm.length);
        System.arraycopy(base, 0, page, trtllm.length, base.length);

        for (byte[] body : new byte[][] {trtllm, page}) {
            ModelServerMetrics m = extract("triton-tensorrt-llm", body);
            assertThat(m.engine()).isEqualTo("triton-tensorrt-llm");
            assertThat(m.waitingQueue()).isEqualTo(1);
            assertThat(m.runningRequests()).isEqualTo(1);
            assertThat(m.kvUsage()).isEqualTo(0.4875);
            assertThat(m.blockSize()).isEqualTo(64);
            assertThat(m.numGpuBlocks()).isEqualTo(6239);
            assertThat(m.hasLoraInfo()).isFalse();
            assertThat(m.problems()).isEmpty();
        }
    }

    @Test
    void everyFixtureParsesWithTheRightEngineAndOnlyTheKnownProblems() {
        assertThat(extract("vllm", MetricsResources.VLLM_DOCS).problems())
                .filteredOn(p -> p.kind() == Kind.PARSE_ERROR)
                .hasSize(1);
        for (String[] c : new String[][] {
            {"vllm", MetricsResources.VLLM_ENGINE_GREP},
            {"vllm", MetricsResources.VLLM_GO_FIXTURE},
            {"vllm", MetricsResources.VLLM_LORA_PR13303},
            {"sglang", MetricsResources.SGLANG},
            {"triton-tensorrt-llm", MetricsResources.TRITON_TRTLLM},
            {"triton-tensorrt-llm", MetricsResources.TRITON_BASE},
        }) {
            assertThat(extract(c[0], c[1]).problems())
                    .as(c[1])
                    .noneMatch(p -> p.kind() == Kind.PARSE_ERROR || p.kind() == Kind.UNKNOWN_ENGINE);
        }
    }
}
