package io.infergate.scheduler.scheduling.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Problem;
import io.infergate.scheduler.metrics.EngineMapping;
import io.infergate.scheduler.metrics.MetricSpec;
import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code core-metrics-extractor}'s parameters (GIE v1.5.0 {@code engineLabelKey}, {@code defaultEngine},
 * {@code engineConfigs}) become the setup's {@link MetricsExtractor}; bad ones are errors at their field.
 */
class CoreMetricsExtractorTest {

    private static final String MYENGINE = """
            plugins:
            - type: queue-scorer
            - type: core-metrics-extractor
              parameters:
                engineLabelKey: serving.example.com/engine
                defaultEngine: myengine
                engineConfigs:
                - name: myengine
                  queuedRequestsSpec: my_queue_depth
                  runningRequestsSpec: my_running{kind="decode"}
                  kvUsageSpec: my_kv_usage
                  cacheInfoSpec: my_cache_info
                  cacheBlockSizeLabelName: page
                  cacheNumBlocksLabelName: pages
                - name: sglang
                  queuedRequestsSpec: sglang:num_queue_reqs
                  kvUsageSpec: sglang:token_usage
            """;

    private static final String PAGE = """
            # TYPE my_queue_depth gauge
            my_queue_depth 4
            # TYPE my_running gauge
            my_running{kind="prefill"} 1
            my_running{kind="decode"} 6
            # TYPE my_kv_usage gauge
            my_kv_usage 0.375
            # TYPE my_cache_info gauge
            my_cache_info{page="32",pages="2048"} 1
            """;

    /** The formatted problems of {@code body}'s setup. */
    private static List<String> problems(String body) {
        return Epc.build(body).problems().stream().map(Problem::format).toList();
    }

    /** {@link Epc#FILE}:line:column of {@code needle}'s first character. */
    private static String at(String body, String needle) {
        return at(body, needle, needle);
    }

    /** The position of {@code value} on the line {@code lineNeedle} finds. */
    private static String at(String body, String lineNeedle, String value) {
        String text = Epc.HEADER + body;
        int line = Epc.lineOf(body, lineNeedle);
        String l = text.split("\n", -1)[line - 1];
        return Epc.FILE + ":" + line + ":" + (l.indexOf(value) + 1);
    }

    @Test
    void customEnginesDefaultEngineAndLabelKeyAreApplied() {
        SchedulerSetup setup = Epc.build(MYENGINE);
        assertThat(setup.problems()).isEmpty();
        MetricsExtractor x = setup.metricsExtractor();
        assertThat(x.engineLabelKey()).isEqualTo("serving.example.com/engine");
        assertThat(x.defaultEngine()).isEqualTo("myengine");
        assertThat(x.engines()).contains("myengine", "sglang", "vllm", "trtllm-serve", "triton-tensorrt-llm", "tgi");
        EngineMapping mine = x.mapping("myengine");
        assertThat(mine.waitingQueue()).isEqualTo(MetricSpec.of("my_queue_depth"));
        assertThat(mine.runningRequests()).isEqualTo(new MetricSpec("my_running", Map.of("kind", "decode")));
        assertThat(mine.loraInfo()).isNull(); // not configured: not read
        assertThat(mine.cacheBlockSizeLabel()).isEqualTo("page");
        // a configured built-in replaces GIE's mapping of that name as a whole
        assertThat(x.mapping("sglang").runningRequests()).isNull();

        // unlabelled endpoints are read as the default engine, labelled ones by the configured label key
        ModelServerMetrics m = x.extract(Map.of(), PAGE.getBytes(StandardCharsets.UTF_8));
        assertThat(m.engine()).isEqualTo("myengine");
        assertThat(m.waitingQueue()).isEqualTo(4);
        assertThat(m.runningRequests()).isEqualTo(6);
        assertThat(m.kvUsage()).isEqualTo(0.375);
        assertThat(m.blockSize()).isEqualTo(32);
        assertThat(m.numGpuBlocks()).isEqualTo(2048);
        assertThat(x.extract(Map.of("serving.example.com/engine", "vllm"), PAGE.getBytes(StandardCharsets.UTF_8))
                        .anyKnown())
                .isFalse();
    }

    @Test
    void withoutAnExtractorTheBuiltInMappingsRead() {
        SchedulerSetup setup = Epc.build("""
                plugins:
                - type: queue-scorer
                """);
        assertThat(setup.metricsExtractor()).isSameAs(MetricsExtractor.withBuiltins());
    }

    @Test
    void unknownFieldsAreErrorsNotSilence() {
        String body = """
                plugins:
                - type: core-metrics-extractor
                  parameters:
                    engineConfigs:
                    - name: myengine
                      queuedRequestsSpec: my_queue_depth
                      kvUsgeSpec: my_kv_usage
                    defaultEngin: myengine
                """;
        assertThat(problems(body))
                .containsExactly(
                        at(body, "name: myengine")
                                + ": warning: plugins[0].parameters.engineConfigs[0]: engine \"myengine\""
                                + " reads no kvUsageSpec: shedding and flow control judge its endpoints by the other"
                                + " signal alone",
                        at(body, "my_kv_usage") + ": error: plugins[0].parameters.engineConfigs[0].kvUsgeSpec: unknown"
                                + " parameter \"kvUsgeSpec\" (accepted: name, queuedRequestsSpec, runningRequestsSpec,"
                                + " kvUsageSpec, loraSpec, cacheInfoSpec, cacheBlockSizeSpec, cacheNumBlocksSpec,"
                                + " cacheBlockSizeLabelName, cacheNumBlocksLabelName)",
                        at(body, "defaultEngin:", "myengine")
                                + ": error: plugins[0].parameters.defaultEngin: unknown parameter"
                                + " \"defaultEngin\" (accepted: engineLabelKey, engineConfigs, defaultEngine)");
    }

    @Test
    void wrongTypesAndBadValuesAreErrorsAtTheirField() {
        String body = """
                plugins:
                - type: core-metrics-extractor
                  parameters:
                    engineLabelKey: "not a label"
                    engineConfigs:
                    - name: one
                      queuedRequestsSpec: 5
                      kvUsageSpec: "kv{"
                      cacheBlockSizeLabelName: block-size
                    - name: default
                    - queuedRequestsSpec: q
                    - name: one
                    - just-a-string
                    defaultEngine: nope
                """;
        assertThat(problems(body))
                .containsExactly(
                        at(body, "\"not a label\"")
                                + ": error: plugins[0].parameters.engineLabelKey: \"not a label\" is not"
                                + " a Kubernetes label key (expected: an optional DNS prefix and /, then a name of at most 63"
                                + " letters, digits, -, _ or ., e.g. inference.networking.k8s.io/engine-type)",
                        at(body, "5")
                                + ": error: plugins[0].parameters.engineConfigs[0].queuedRequestsSpec: found integer 5"
                                + " (expected: a string; quote it)",
                        at(body, "\"kv{\"")
                                + ": error: plugins[0].parameters.engineConfigs[0].kvUsageSpec: \"kv{\" is not"
                                + " a metric selector: " + specError("kv{")
                                + " (expected: name or name{label=value,...},"
                                + " or \"\" to leave the value unread)",
                        at(body, "block-size")
                                + ": error: plugins[0].parameters.engineConfigs[0].cacheBlockSizeLabelName:"
                                + " \"block-size\" is not a Prometheus label name (expected: [a-zA-Z_][a-zA-Z0-9_]*)",
                        at(body, "name: default", "default")
                                + ": error: plugins[0].parameters.engineConfigs[1].name: \"default\" is"
                                + " reserved (expected: any other engine name)",
                        at(body, "queuedRequestsSpec: q")
                                + ": error: plugins[0].parameters.engineConfigs[2].name: missing"
                                + " (expected: the engine type, matched against the Pod's engine label)",
                        at(body, "name: one\n    - just", "one")
                                + ": error: plugins[0].parameters.engineConfigs[3].name: engine \"one\""
                                + " is configured twice (first: plugins[0].parameters.engineConfigs[0]; an engine has one"
                                + " mapping)",
                        at(body, "just-a-string") + ": error: plugins[0].parameters.engineConfigs[4]: found string"
                                + " \"just-a-string\" (expected: an object)",
                        at(body, "nope") + ": error: plugins[0].parameters.defaultEngine: \"nope\" names no engine"
                                + " (expected one of: one, vllm, sglang, trtllm-serve, triton-tensorrt-llm, tgi)");
        assertThat(Epc.build(body).hasErrors()).isTrue();
    }

    private static String specError(String spec) {
        try {
            MetricSpec.parse(spec);
            throw new AssertionError("parses: " + spec);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void anEngineWithoutQueueOrKvSpecIsAcceptedWithAWarning() {
        String body = """
                plugins:
                - type: core-metrics-extractor
                  parameters:
                    engineConfigs:
                    - name: queue-only
                      queuedRequestsSpec: q
                      kvUsageSpec: ""
                """;
        assertThat(problems(body))
                .containsExactly(at(body, "name: queue-only") + ": warning:"
                        + " plugins[0].parameters.engineConfigs[0]: engine \"queue-only\" reads no kvUsageSpec:"
                        + " shedding and flow control judge its endpoints by the other signal alone");
        assertThat(Epc.build(body).metricsExtractor().mapping("queue-only").kvUsage())
                .isNull();
    }

    @Test
    void theDataLayerDecidesWhichExtractorReads() {
        SchedulerSetup listed = Epc.build("""
                plugins:
                - type: metrics-data-source
                - name: mine
                  type: core-metrics-extractor
                  parameters: {defaultEngine: sglang}
                dataLayer:
                  sources:
                  - pluginRef: metrics-data-source
                    extractors: [{pluginRef: mine}]
                """);
        assertThat(listed.problems()).isEmpty();
        assertThat(listed.metricsExtractor().defaultEngine()).isEqualTo("sglang");

        // without a dataLayer section GIE reads with the plugin named core-metrics-extractor, or its default
        String unused = """
                plugins:
                - name: mine
                  type: core-metrics-extractor
                  parameters: {defaultEngine: sglang}
                """;
        SchedulerSetup notNamed = Epc.build(unused);
        assertThat(notNamed.metricsExtractor()).isSameAs(MetricsExtractor.withBuiltins());
        assertThat(problems(unused))
                .containsExactly(at(unused, "name: mine")
                        + ": warning: plugins[0]: core-metrics-extractor \"mine\" is not used: without a dataLayer section"
                        + " GIE reads metrics with the plugin named core-metrics-extractor (expected: the extractor the data"
                        + " layer uses)");

        String two = """
                plugins:
                - type: metrics-data-source
                - {name: a, type: core-metrics-extractor}
                - {name: b, type: core-metrics-extractor}
                dataLayer:
                  sources:
                  - pluginRef: metrics-data-source
                    extractors: [{pluginRef: a}, {pluginRef: b}]
                """;
        assertThat(problems(two))
                .containsExactly(at(two, "b}]") + ": error: dataLayer.sources[0].extractors[1]"
                        + ".pluginRef: a second core-metrics-extractor on one source is not supported by Infergate yet"
                        + " (expected: one; both would write the same endpoint metrics)");
    }
}
