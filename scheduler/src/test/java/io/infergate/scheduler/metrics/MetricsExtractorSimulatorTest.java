package io.infergate.scheduler.metrics;

import static io.infergate.scheduler.metrics.MetricsExtractorFixturesTest.extract;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The simulator's five {@code /metrics} flavors, captured from {@code MetricsRenderer} with the engine metrics
 * of {@code EngineMetricsTestSupport.fill(m, 42, 1735689600)} on the default preset with LoRA enabled (the
 * simulator is not a dependency of this module): 753 running, 28 waiting, 1406 of 25999 usable blocks used,
 * 16 tokens per block.
 */
class MetricsExtractorSimulatorTest {

    private static final double KV = 0.054079003038578405;

    @Test
    void vllm() {
        ModelServerMetrics m = extract("vllm", MetricsResources.SIM_VLLM);

        assertCore(m);
        assertThat(m.blockSize()).isEqualTo(16);
        assertThat(m.numGpuBlocks()).isEqualTo(26000);
        // The newest of six lora_requests_info series; one adapter name carries a quote, a backslash and a newline.
        assertThat(m.activeAdapters()).containsExactly("zh-en", "sql-lora");
        assertThat(m.waitingAdapters()).containsExactly("tweet\"summary\\v2\nbeta");
        assertThat(m.maxLoras()).isEqualTo(4);
        assertThat(m.problems()).isEmpty();
    }

    @Test
    void vllmWithLegacyNamesAndCreatedSamples() {
        ModelServerMetrics m = extract("vllm", MetricsResources.SIM_VLLM_LEGACY_CREATED);

        assertCore(m);
        assertThat(m.numGpuBlocks()).isEqualTo(26000);
        assertThat(m.maxLoras()).isEqualTo(4);
        assertThat(m.problems()).isEmpty();
    }

    @Test
    void vllmOlderThanKvCacheUsagePercFallsBackToGpuCacheUsagePerc() {
        String legacyOnly = MetricsResources.text(MetricsResources.SIM_VLLM_LEGACY_CREATED)
                .lines()
                .filter(l -> !l.contains("vllm:kv_cache_usage_perc"))
                .collect(Collectors.joining("\n"));
        assertThat(legacyOnly).contains("vllm:gpu_cache_usage_perc{");

        ModelServerMetrics m = extract("vllm", legacyOnly.getBytes(StandardCharsets.UTF_8));

        assertThat(m.kvUsage()).isEqualTo(KV);
        assertThat(m.problems()).isEmpty();
    }

    @Test
    void sglang() {
        ModelServerMetrics m = extract("sglang", MetricsResources.SIM_SGLANG);

        assertCore(m);
        assertThat(m.blockSize()).isEqualTo(16);
        assertThat(m.numGpuBlocks()).isEqualTo(25999);
        assertThat(m.hasLoraInfo()).isFalse();
        assertThat(m.problems()).isEmpty();
    }

    @Test
    void trtllmServe() {
        ModelServerMetrics m = extract("trtllm-serve", MetricsResources.SIM_TRTLLM);

        assertCore(m);
        assertThat(m.blockSize()).isEqualTo(16);
        assertThat(m.numGpuBlocks()).isEqualTo(25999);
        assertThat(m.problems()).isEmpty();
    }

    @Test
    void triton() {
        ModelServerMetrics m = extract("triton-tensorrt-llm", MetricsResources.SIM_TRITON);

        assertCore(m);
        assertThat(m.blockSize()).isEqualTo(16);
        assertThat(m.numGpuBlocks()).isEqualTo(25999);
        assertThat(m.problems()).isEmpty();
    }

    @Test
    void tgiHasQueueAndBatchButNoKvUsage() {
        ModelServerMetrics m = extract("tgi", MetricsResources.SIM_TGI);

        assertThat(m.waitingQueue()).isEqualTo(28);
        assertThat(m.runningRequests()).isEqualTo(753);
        assertThat(m.hasKvUsage()).isFalse();
        assertThat(m.hasLoraInfo()).isFalse();
        assertThat(m.hasBlockSize()).isFalse();
        assertThat(m.hasNumGpuBlocks()).isFalse();
        assertThat(m.problems()).as("disabled specs are not missing").isEmpty();
    }

    @Test
    void everyFlavorParsesWithoutProblemsForAParserThatWantsAllItsFamilies() {
        for (String resource : new String[] {
            MetricsResources.SIM_VLLM,
            MetricsResources.SIM_VLLM_LEGACY_CREATED,
            MetricsResources.SIM_SGLANG,
            MetricsResources.SIM_TRTLLM,
            MetricsResources.SIM_TRITON,
            MetricsResources.SIM_TGI
        }) {
            String text = MetricsResources.text(resource);
            var families = text.lines()
                    .filter(l -> l.startsWith("# TYPE "))
                    .map(l -> l.split(" ")[2])
                    .toList();
            RecordingVisitor v = new RecordingVisitor();
            ParseResult r = new PrometheusTextParser(families).parse(text, v);
            long sampleLines =
                    text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
            assertThat(r.hasProblems()).as(resource).isFalse();
            assertThat(v.samples).as(resource).hasSize((int) sampleLines);
        }
    }

    private static void assertCore(ModelServerMetrics m) {
        assertThat(m.waitingQueue()).isEqualTo(28);
        assertThat(m.runningRequests()).isEqualTo(753);
        assertThat(m.kvUsage()).isEqualTo(KV);
    }
}
