package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.infergate.scheduler.metrics.MetricsProblem.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricsExtractorTest {

    private static final String LABEL = EngineMapping.ENGINE_TYPE_LABEL;

    /** An extractor whose default engine "t" reads q (queue), r (running), kv, lora, info and the block gauges. */
    private static final MetricsExtractor TEST = MetricsExtractor.builder()
            .mapping(EngineMapping.builder("t")
                    .queuedRequestsSpec("q")
                    .runningRequestsSpec("r{kind=\"run\"}")
                    .kvUsageSpec("kv")
                    .loraSpec("lora")
                    .cacheInfoSpec("info")
                    .build())
            .defaultEngine("t")
            .build();

    private static ModelServerMetrics read(MetricsExtractor extractor, String... lines) {
        return extractor.extract(Map.of(), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static ModelServerMetrics read(String... lines) {
        return read(TEST, lines);
    }

    @Test
    void theSeriesWithTheNewestTimestampWins() {
        assertThat(read("# TYPE q gauge", "q{pod=\"a\"} 5 1000", "q{pod=\"b\"} 7 3000", "q{pod=\"c\"} 6 2000")
                        .waitingQueue())
                .isEqualTo(7);
        assertThat(read("q 5", "q 7", "q 6").waitingQueue())
                .as("no timestamps: the first")
                .isEqualTo(5);
        assertThat(read("q 1", "q 2 10", "q 3").waitingQueue())
                .as("a timestamp outranks none")
                .isEqualTo(2);
        assertThat(read("q 3 -5", "q 4").waitingQueue())
                .as("even a negative one")
                .isEqualTo(3);
        assertThat(read("q 8 20", "q 9 20").waitingQueue())
                .as("ties keep the first")
                .isEqualTo(8);
    }

    @Test
    void onlyMatchingLabelsAreRead() {
        ModelServerMetrics m = read("r{kind=\"wait\"} 1", "r{x=\"y\",kind=\"run\"} 2", "r 3");

        assertThat(m.runningRequests()).isEqualTo(2);
        assertThat(read("r{kind=\"wait\"} 1").problems())
                .extracting(MetricsProblem::message)
                .contains("r{kind=\"run\"} (running requests): no matching series");
    }

    @Test
    void readsGaugesCountersAndUntypedButNotHistograms() {
        assertThat(read("# TYPE q counter", "q_total 4").waitingQueue()).isEqualTo(4);
        assertThat(read("# TYPE q_total counter", "q_total 5").waitingQueue()).isEqualTo(5);
        assertThat(read("# TYPE q gauge", "q 6").waitingQueue()).isEqualTo(6);
        assertThat(read("q 7").waitingQueue()).isEqualTo(7);

        ModelServerMetrics histogram = read("# TYPE q histogram", "q_bucket{le=\"+Inf\"} 3", "q_sum 2", "q_count 3");
        assertThat(histogram.hasWaitingQueue()).isFalse();
        assertThat(histogram.problems())
                .extracting(MetricsProblem::kind, MetricsProblem::message)
                .contains(tuple(
                        Kind.UNSUPPORTED_TYPE,
                        "q (waiting queue): the family is a histogram (expected: gauge, counter or untyped)"));
        ModelServerMetrics summary = read("# TYPE q summary", "q{quantile=\"0.5\"} 3");
        assertThat(summary.problems()).extracting(MetricsProblem::kind).contains(Kind.UNSUPPORTED_TYPE);
    }

    @Test
    void convertsValuesLikeGieAndReportsUnusableOnes() {
        ModelServerMetrics m = read("q 2.9", "r{kind=\"run\"} 1e12", "kv 1.5");
        assertThat(m.waitingQueue()).isEqualTo(2);
        assertThat(m.runningRequests()).isEqualTo(Integer.MAX_VALUE);
        assertThat(m.kvUsage()).isEqualTo(1.0);
        assertThat(m.problems())
                .extracting(MetricsProblem::kind, MetricsProblem::message)
                .contains(tuple(
                        Kind.BAD_VALUE,
                        "kv (KV-cache usage): value 1.5 outside 0..1, clamped (expected: a fraction, 1 = full)"));

        ModelServerMetrics bad = read("q NaN", "r{kind=\"run\"} -1", "kv -Inf");
        assertThat(bad.hasWaitingQueue()).isFalse();
        assertThat(bad.hasRunningRequests()).isFalse();
        assertThat(bad.hasKvUsage()).isFalse();
        assertThat(bad.problems())
                .extracting(MetricsProblem::kind, MetricsProblem::message)
                .contains(
                        tuple(Kind.BAD_VALUE, "q (waiting queue): value NaN (expected: a finite count >= 0)"),
                        tuple(
                                Kind.BAD_VALUE,
                                "r{kind=\"run\"} (running requests): value -1.0 (expected: a finite count >= 0)"),
                        tuple(Kind.BAD_VALUE, "kv (KV-cache usage): value -Infinity (expected: a fraction in 0..1)"));
    }

    @Test
    void appliesWhateverWasFoundAndListsTheRest() {
        ModelServerMetrics m = read("r{kind=\"run\"} 3", "}garbage", "kv 0.5");

        assertThat(m.runningRequests()).isEqualTo(3);
        assertThat(m.kvUsage()).isEqualTo(0.5);
        assertThat(m.problems())
                .extracting(MetricsProblem::kind, MetricsProblem::message)
                .containsExactly(
                        tuple(
                                Kind.PARSE_ERROR,
                                "line 2: expected a metric name or '#' at the start of the line, found '}'"),
                        tuple(Kind.MISSING, "q (waiting queue): no matching series"),
                        tuple(Kind.MISSING, "lora (LoRA info): no matching series"),
                        tuple(Kind.MISSING, "info (cache info): no matching series"));
    }

    @Test
    void loraAdaptersAreTrimmedAndTheLargestValueWins() {
        ModelServerMetrics m = read(
                "lora{max_lora=\"2\",running_lora_adapters=\"old\",waiting_lora_adapters=\"\"} NaN",
                "lora{max_lora=\"3\",running_lora_adapters=\" a, ,b ,,a\",waiting_lora_adapters=\"c\"} 20",
                "lora{max_lora=\"4\",running_lora_adapters=\"older\",waiting_lora_adapters=\"\"} 10");

        assertThat(m.activeAdapters()).containsExactly("a", "b");
        assertThat(m.waitingAdapters()).containsExactly("c");
        assertThat(m.maxLoras()).isEqualTo(3);
    }

    @Test
    void loraInfoWithoutAdapterLabelsOrWithABadMaxIsStillApplied() {
        ModelServerMetrics m = read("lora{max_lora=\"many\"} 1");

        assertThat(m.hasLoraInfo()).isTrue();
        assertThat(m.activeAdapters()).isEmpty();
        assertThat(m.waitingAdapters()).isEmpty();
        assertThat(m.hasMaxLoras()).isFalse();
        assertThat(m.problems())
                .extracting(MetricsProblem::kind, MetricsProblem::message)
                .contains(
                        tuple(Kind.BAD_VALUE, "lora (LoRA info): label max_lora=\"many\" (expected: an integer >= 0)"));
        assertThat(read("lora 1").problems())
                .extracting(MetricsProblem::message)
                .contains("lora (LoRA info): no label max_lora on the selected series");
    }

    @Test
    void cacheInfoLabelsAndGaugesWithGaugesWinning() {
        ModelServerMetrics labels = read("info{block_size=\"32\",num_gpu_blocks=\"None\"} 1");
        assertThat(labels.blockSize()).isEqualTo(32);
        assertThat(labels.hasNumGpuBlocks()).isFalse();
        assertThat(labels.problems())
                .extracting(MetricsProblem::kind, MetricsProblem::message)
                .contains(tuple(
                        Kind.BAD_VALUE,
                        "info (cache info): label num_gpu_blocks=\"None\" (expected: an integer >= 0)"));

        MetricsExtractor both = MetricsExtractor.builder()
                .defaultEngine("b")
                .mapping(EngineMapping.builder("b")
                        .cacheInfoSpec("info")
                        .cacheBlockSizeLabelName("page")
                        .cacheNumBlocksLabelName("pages")
                        .cacheBlockSizeSpec("bs")
                        .cacheNumBlocksSpec("nb")
                        .build())
                .build();
        ModelServerMetrics m = read(both, "info{page=\"8\",pages=\"100\"} 1", "bs 64");
        assertThat(m.blockSize()).isEqualTo(64);
        assertThat(m.numGpuBlocks()).isEqualTo(100);
        assertThat(m.problems())
                .extracting(MetricsProblem::message)
                .containsExactly("nb (cache block count): no matching series");
    }

    @Test
    void choosesTheMappingFromTheEndpointLabel() {
        MetricsExtractor e = MetricsExtractor.withBuiltins();
        byte[] sglang = MetricsResources.bytes(MetricsResources.SIM_SGLANG);

        assertThat(e.extract(Map.of(LABEL, "sglang"), sglang).engine()).isEqualTo("sglang");
        assertThat(e.extract(Map.of(), sglang).engine()).isEqualTo("vllm");
        assertThat(e.extract(Map.of(LABEL, ""), sglang).engine()).isEqualTo("vllm");
        assertThat(e.extract(Map.of(LABEL, "default"), sglang).engine()).isEqualTo("vllm");
        assertThat(e.extract(Map.of(LABEL, "default"), sglang).problems())
                .noneMatch(p -> p.kind() == Kind.UNKNOWN_ENGINE);
        assertThat(e.mappingFor(Map.of(LABEL, "tgi"))).isEqualTo(EngineMapping.tgi());
        assertThat(e.mappingFor(Map.of(LABEL, "nope"))).isEqualTo(EngineMapping.vllm());
        assertThat(e.engines())
                .containsExactlyInAnyOrder("vllm", "sglang", "trtllm-serve", "triton-tensorrt-llm", "tgi");
    }

    @Test
    void anUnknownEngineIsReportedAndReadAsTheDefault() {
        // The simulator's flavor id "trtllm" is not GIE's engine name "trtllm-serve".
        ModelServerMetrics m = MetricsExtractor.withBuiltins()
                .extract(Map.of(LABEL, "trtllm"), MetricsResources.bytes(MetricsResources.SIM_TRTLLM));

        assertThat(m.engine()).isEqualTo("vllm");
        assertThat(m.anyKnown()).isFalse();
        assertThat(m.problems().get(0))
                .isEqualTo(
                        new MetricsProblem(
                                Kind.UNKNOWN_ENGINE,
                                "endpoint label inference.networking.k8s.io/engine-type=trtllm names no metrics mapping (expected one"
                                        + " of: sglang, tgi, triton-tensorrt-llm, trtllm-serve, vllm); read as the default engine vllm"));
    }

    @Test
    void customLabelKeyDefaultEngineAndMappingsReplaceBuiltins() {
        MetricsExtractor e = MetricsExtractor.builder()
                .engineLabelKey("serving.example/engine")
                .defaultEngine("sglang")
                .mapping(EngineMapping.builder("vllm")
                        .kvUsageSpec("vllm:gpu_cache_usage_perc")
                        .build())
                .mapping(EngineMapping.builder("my-engine")
                        .queuedRequestsSpec("my_queue{shard=\"0\"}")
                        .build())
                .build();
        Map<String, String> labels = new HashMap<>();
        labels.put("serving.example/engine", "my-engine");
        labels.put(LABEL, "vllm"); // not the configured key: ignored

        ModelServerMetrics mine = e.extract(
                labels, "my_queue{shard=\"1\"} 9\nmy_queue{shard=\"0\"} 4\n".getBytes(StandardCharsets.UTF_8));
        ModelServerMetrics oldVllm = e.extract(
                Map.of("serving.example/engine", "vllm"),
                MetricsResources.bytes(MetricsResources.SIM_VLLM_LEGACY_CREATED));

        assertThat(mine.engine()).isEqualTo("my-engine");
        assertThat(mine.waitingQueue()).isEqualTo(4);
        assertThat(mine.problems()).isEmpty();
        assertThat(oldVllm.kvUsage()).isEqualTo(0.054079003038578405);
        assertThat(oldVllm.hasWaitingQueue())
                .as("the replaced mapping reads only KV")
                .isFalse();
        assertThat(e.extract(Map.of(), new byte[0]).engine()).isEqualTo("sglang");
        assertThat(e.engineLabelKey()).isEqualTo("serving.example/engine");
        assertThat(e.defaultEngine()).isEqualTo("sglang");
        assertThat(e.mapping("my-engine").waitingQueue()).isEqualTo(MetricSpec.parse("my_queue{shard=\"0\"}"));
        assertThat(e.mapping("nope")).isNull();
    }

    @Test
    void builderRejectsAnUnknownDefaultAndDuplicateMappings() {
        assertThatThrownBy(
                        () -> MetricsExtractor.builder().defaultEngine("nope").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("defaultEngine: 'nope' (expected one of: ");
        assertThatThrownBy(() ->
                        MetricsExtractor.builder().mapping(EngineMapping.tgi()).mapping(EngineMapping.tgi()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tgi' given twice");
    }

    @Test
    void readsSlicesAndByteBuffers() {
        byte[] page = MetricsResources.bytes(MetricsResources.SIM_TRITON);
        byte[] padded = new byte[page.length + 4];
        System.arraycopy(page, 0, padded, 2, page.length);
        Map<String, String> triton = Map.of(LABEL, "triton-tensorrt-llm");
        MetricsExtractor e = MetricsExtractor.withBuiltins();

        ModelServerMetrics slice = e.extract(triton, padded, 2, page.length);
        ByteBuffer direct = ByteBuffer.allocateDirect(page.length).put(page).flip();
        ModelServerMetrics fromDirect = e.extract(triton, direct);
        ModelServerMetrics fromHeap = e.extract(triton, ByteBuffer.wrap(padded, 2, page.length));

        assertThat(slice.problems()).isEmpty();
        assertThat(fromDirect).isEqualTo(slice);
        assertThat(fromHeap).isEqualTo(slice);
        assertThat(direct.position()).isZero();
    }

    @Test
    void garbageNeverThrowsAndIsReported() {
        SplittableRandom random = new SplittableRandom(0xBAD_5EEDL);
        MetricsExtractor e = MetricsExtractor.withBuiltins();
        for (String engine : e.engines()) {
            byte[] junk = new byte[8192];
            random.nextBytes(junk);
            ModelServerMetrics m = e.extract(Map.of(LABEL, engine), junk);
            assertThat(m.problems()).as(engine).anyMatch(p -> p.kind() == Kind.PARSE_ERROR);
            assertThat(m.problems().stream()
                            .filter(p -> p.kind() == Kind.PARSE_ERROR)
                            .count())
                    .isLessThanOrEqualTo(PrometheusTextParser.MAX_REPORTED_PROBLEMS + 1);
        }
    }
}
