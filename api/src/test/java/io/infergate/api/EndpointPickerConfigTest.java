package io.infergate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.api.load.Params;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.EndpointPickerConfig.PriorityBand;
import io.infergate.api.model.PluginTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The standalone EndpointPickerConfig, as GIE's {@code --config-file} / {@code --config-text} take it: what loads,
 * and for each kind of mistake exactly which problem, where.
 */
class EndpointPickerConfigTest {

    static final String FILE = "epp.yaml";
    static final String HEAD = """
            apiVersion: inference.networking.x-k8s.io/v1alpha1
            kind: EndpointPickerConfig
            """;

    /** The configuration GIE v1.5.0 runs without a file ({@code loadDefaultConfig}), written out. */
    static final String GIE_DEFAULT = HEAD + """
            plugins:
            - type: queue-scorer
            - type: kv-cache-utilization-scorer
            - type: prefix-cache-scorer
            - type: metrics-data-source
            - type: core-metrics-extractor
            schedulingProfiles:
            - name: default
              plugins:
              - pluginRef: queue-scorer
                weight: 2
              - pluginRef: kv-cache-utilization-scorer
                weight: 2
              - pluginRef: prefix-cache-scorer
                weight: 3
            dataLayer:
              sources:
              - pluginRef: metrics-data-source
                extractors:
                - pluginRef: core-metrics-extractor
            """;

    static EndpointPickerConfigResult load(String yaml) {
        return EndpointPickerConfigLoader.load(FILE, yaml);
    }

    /** The 1-based line of the first line containing {@code snippet}. */
    static int lineOf(String text, String snippet) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(snippet)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line contains " + snippet);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts the text has exactly one problem, and that it is this one. */
    static Problem single(String yaml, Severity severity, int line, String field, String message) {
        List<Problem> problems = load(yaml).problems();
        assertThat(problems).as("problems of\n" + yaml).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.severity()).as(p.format()).isEqualTo(severity);
        assertThat(p.location().file()).as(p.format()).isEqualTo(FILE);
        assertThat(p.location().line()).as(p.format()).isEqualTo(line);
        assertThat(p.object()).as(p.format()).isEmpty();
        assertThat(p.field()).as(p.format()).isEqualTo(field);
        assertThat(p.message()).as(p.format()).contains(message);
        return p;
    }

    static Problem error(String yaml, String lineSnippet, String field, String message) {
        return single(yaml, Severity.ERROR, lineOf(yaml, lineSnippet), field, message);
    }

    static Problem warning(String yaml, String lineSnippet, String field, String message) {
        return single(yaml, Severity.WARNING, lineOf(yaml, lineSnippet), field, message);
    }

    // --- what loads

    @Test
    void fullV15ConfigLoadsWithEverySection() {
        EndpointPickerConfigResult r =
                EndpointPickerConfigLoader.load(Path.of("src/test/resources/epc/full-v1.5.yaml"));
        assertThat(r.problems()).extracting(Problem::format).isEmpty();
        EndpointPickerConfig c = r.config().orElseThrow();
        assertThat(c.featureGates()).containsExactly("flowControl");
        assertThat(c.hasFeatureGate(EndpointPickerConfig.FEATURE_FLOW_CONTROL)).isTrue();
        assertThat(c.plugins())
                .extracting(EndpointPickerConfig.Plugin::name)
                .containsExactly(
                        "queue-scorer",
                        "kv-cache-utilization-scorer",
                        "prefix-cache-scorer",
                        "inflight",
                        "max-score-picker",
                        "single-profile-handler",
                        "utilization-detector",
                        "metrics-data-source",
                        "core-metrics-extractor",
                        "openai-parser",
                        "edf",
                        "rr");
        assertThat(c.plugin("inflight").orElseThrow().type()).isEqualTo(PluginTypes.IN_FLIGHT_REQUESTS_SCORER);
        assertThat(c.schedulingProfiles()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("default");
            assertThat(p.plugins())
                    .extracting(pp -> pp.pluginRef() + "="
                            + (pp.weight().isPresent() ? pp.weight().getAsDouble() : "none"))
                    .containsExactly(
                            "queue-scorer=2.0",
                            "kv-cache-utilization-scorer=2.0",
                            "prefix-cache-scorer=3.0",
                            "inflight=0.5",
                            "max-score-picker=none");
        });
        assertThat(c.saturationDetector().orElseThrow().pluginRef()).isEqualTo("utilization-detector");
        assertThat(c.dataLayer().orElseThrow().sources()).singleElement().satisfies(s -> {
            assertThat(s.pluginRef()).isEqualTo("metrics-data-source");
            assertThat(s.extractors()).containsExactly("core-metrics-extractor");
        });
        assertThat(c.parser().orElseThrow().pluginRef()).isEqualTo("openai-parser");
        EndpointPickerConfig.FlowControl fc = c.flowControl().orElseThrow();
        assertThat(fc.maxBytes().getAsLong()).isEqualTo(1L << 30);
        assertThat(fc.maxRequests().getAsLong()).isEqualTo(1000);
        assertThat(fc.defaultRequestTTL()).contains(Duration.ofSeconds(30));
        assertThat(fc.defaultPriorityBand().orElseThrow().maxBytes().getAsLong())
                .isEqualTo(500_000_000L);
        assertThat(fc.defaultPriorityBand().orElseThrow().maxRequests().getAsLong())
                .isEqualTo(100);
        assertThat(fc.priorityBands())
                .containsExactly(
                        new PriorityBand(10, OptionalLong.empty(), OptionalLong.of(50), "rr", "edf"),
                        new PriorityBand(-1, OptionalLong.of(512), OptionalLong.empty(), "", ""));
        assertThat(fc.usageLimitPolicyPluginRef()).isEqualTo("static-usage-limit-policy");
    }

    @Test
    void parametersKeepTheirPositionsForThePluginThatReadsThem() {
        Path file = Path.of("src/test/resources/epc/full-v1.5.yaml");
        EndpointPickerConfigResult r = EndpointPickerConfigLoader.load(file);
        EndpointPickerConfig c = r.config().orElseThrow();
        List<Problem> problems = new ArrayList<>();

        Params prefix = r.params(c.plugin("prefix-cache-scorer").orElseThrow(), problems::add);
        assertThat(prefix.bool("autoTune")).contains(false);
        assertThat(prefix.integer("blockSizeTokens").getAsInt()).isEqualTo(16);
        assertThat(prefix.integer("maxPrefixBlocksToMatch").getAsInt()).isEqualTo(256);
        assertThat(prefix.integer("lruCapacityPerServer").getAsInt()).isEqualTo(31250);
        prefix.finish(Severity.WARNING);

        Params detector = r.params(c.plugin("utilization-detector").orElseThrow(), problems::add);
        assertThat(detector.integer("queueDepthThreshold").getAsInt()).isEqualTo(5);
        assertThat(detector.number("kvCacheUtilThreshold").getAsDouble()).isEqualTo(0.8);
        assertThat(detector.duration("metricsStalenessThreshold")).contains(Duration.ofMillis(200));
        assertThat(detector.number("headroom").getAsDouble()).isEqualTo(0.2);
        assertThat(problems).isEmpty();

        // the scheduler reports at the parameter's own line
        detector.error("headroom", "found 0.2 (expected: 0 for this test)");
        String text = read(file);
        assertThat(problems)
                .singleElement()
                .satisfies(p -> assertThat(p.format())
                        .isEqualTo(file + ":"
                                + lineOf(text, "headroom: 0.2")
                                + ":15: error: plugins[6].parameters.headroom: found 0.2"
                                + " (expected: 0 for this test)"));
        assertThat(r.locate("schedulingProfiles[0].plugins[3].weight").line()).isEqualTo(lineOf(text, "weight: 0.5"));
        assertThat(r.error("schedulingProfiles[0].plugins[4]", "m").location().line())
                .isEqualTo(lineOf(text, "- pluginRef: max-score-picker"));
    }

    @Test
    void gieDefaultConfigLoads() {
        EndpointPickerConfigResult r = load(GIE_DEFAULT);
        assertThat(r.problems()).isEmpty();
        assertThat(r.object()).isEmpty();
        assertThat(r.config().orElseThrow().metadata().name()).isEqualTo(EndpointPickerConfig.DEFAULT_NAME);
    }

    @Test
    void gieDocumentationExampleLoads() {
        // v1.5.0 site-src/guides/epp-configuration/config-text.md
        assertThat(load(HEAD + """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    blockSizeTokens: 5
                    maxPrefixBlocksToMatch: 256
                    lruCapacityPerServer: 31250
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: prefix-cache-scorer
                    weight: 50
                """).problems()).isEmpty();
    }

    @Test
    void gieHelmChartConfigLoads() {
        // v1.5.0 config/charts/epplib/templates/_config.yaml rendered with its defaults (vLLM over HTTP)
        assertThat(load(HEAD + """
                plugins:
                - type: queue-scorer
                - type: kv-cache-utilization-scorer
                - type: prefix-cache-scorer
                - type: metrics-data-source
                  parameters:
                    scheme: "http"
                    path: "/metrics"
                    insecureSkipVerify: true
                - type: core-metrics-extractor
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                    weight: 2
                  - pluginRef: kv-cache-utilization-scorer
                    weight: 2
                  - pluginRef: prefix-cache-scorer
                    weight: 3
                """).problems()).isEmpty();
    }

    @Test
    void referencesToPluginsGieCreatesWhenMissingResolve() {
        // GIE adds max-score-picker (no picker declared), openai-parser, utilization-detector and the default
        // flow-control policies by name, so references to them need no declaration
        assertThat(load(HEAD + """
                featureGates: [flowControl]
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                  - pluginRef: max-score-picker
                saturationDetector:
                  pluginRef: utilization-detector
                parser:
                  pluginRef: openai-parser
                flowControl:
                  priorityBands:
                  - priority: 1
                    orderingPolicyRef: fcfs-ordering-policy
                    fairnessPolicyRef: global-strict-fairness-policy
                  usageLimitPolicyPluginRef: static-usage-limit-policy
                """).problems()).isEmpty();
    }

    @Test
    void nothingButTheHeaderLoadsAndDefaultsAreLeftToTheScheduler() {
        EndpointPickerConfig c = load(HEAD).config().orElseThrow();
        assertThat(c.plugins()).isEmpty();
        assertThat(c.schedulingProfiles()).isEmpty();
        assertThat(c.saturationDetector()).isEmpty();
        assertThat(c.dataLayer()).isEmpty();
        assertThat(c.flowControl()).isEmpty();
        assertThat(c.parser()).isEmpty();
    }

    @Test
    void nameDefaultsToTypeAndAbsentParametersAreAnEmptyTree() {
        EndpointPickerConfig c = load(HEAD + """
                plugins:
                - type: queue-scorer
                - name: ""
                  type: random-picker
                """).config().orElseThrow();
        assertThat(c.plugins())
                .extracting(EndpointPickerConfig.Plugin::name)
                .containsExactly("queue-scorer", "random-picker");
        assertThat(c.plugins().get(0).parameters().isEmpty()).isTrue();
        assertThat(c.plugins().get(0).parameters().path()).isEqualTo("plugins[0].parameters");
        assertThat(c.plugins().get(0).parameters().location().line()).isEqualTo(4);
    }

    @Test
    void jsonAndV05IntegerWeightsLoad() {
        EndpointPickerConfigResult r = load("""
                {"apiVersion": "inference.networking.x-k8s.io/v1alpha1", "kind": "EndpointPickerConfig",
                 "plugins": [{"type": "queue-scorer"}, {"type": "kv-cache-scorer"}],
                 "schedulingProfiles": [{"name": "default", "plugins": [{"pluginRef": "queue-scorer", "weight": 1},
                   {"pluginRef": "kv-cache-scorer", "weight": 1.5}]}]}
                """);
        assertThat(r.problems()).isEmpty();
        assertThat(r.config().orElseThrow().schedulingProfiles().get(0).plugins())
                .extracting(pp -> pp.weight().getAsDouble())
                .containsExactly(1.0, 1.5);
        assertThat(PluginTypes.find("kv-cache-scorer").orElseThrow().aliasOf())
                .contains(PluginTypes.KV_CACHE_UTILIZATION_SCORER);
    }

    @Test
    void emptyTextIsBlankAndMeansGiesDefault() {
        EndpointPickerConfigResult r = load("");
        assertThat(r.isBlank()).isTrue();
        assertThat(r.hasErrors()).isFalse();
    }

    // --- structure: exactly one problem each

    @Test
    void unknownFieldIsNamedWithTheAcceptedOnes() {
        String yaml = HEAD + "plugin:\n- type: queue-scorer\n";
        error(
                yaml,
                "plugin:",
                "plugin",
                "unknown field \"plugin\" (accepted: apiVersion, kind, featureGates, plugins,"
                        + " schedulingProfiles, saturationDetector, dataLayer, flowControl, parser)");
        String nested = HEAD + """
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                    wieght: 2
                """;
        error(
                nested,
                "wieght",
                "schedulingProfiles[0].plugins[0].wieght",
                "unknown field \"wieght\" (accepted: pluginRef, weight)");
        error(
                HEAD + "dataLayer:\n  sources: []\n  data: {}\n",
                "data: {}",
                "dataLayer.data",
                "unknown field \"data\" (accepted: sources)");
    }

    @Test
    void metadataIsNotPartOfGiesStandaloneFormat() {
        String yaml = HEAD + "metadata:\n  name: x\n";
        error(yaml, "metadata:", "metadata", "unknown field \"metadata\"");
    }

    @Test
    void duplicateFieldIsAnError() {
        String yaml = HEAD + "plugins: []\nplugins: []\n";
        single(yaml, Severity.ERROR, 4, "plugins", "duplicate field \"plugins\"");
    }

    @Test
    void wrongTypesSayWhatWasFoundAndExpected() {
        error(
                HEAD + "featureGates: flowControl\n",
                "featureGates",
                "featureGates",
                "found string \"flowControl\" (expected: a list)");
        error(
                HEAD + "plugins:\n- queue-scorer\n",
                "- queue-scorer",
                "plugins[0]",
                "found string \"queue-scorer\" (expected: an object)");
        error(
                HEAD + "plugins:\n- type: queue-scorer\n  parameters: [1]\n",
                "parameters",
                "plugins[0].parameters",
                "found a list (expected: an object of parameters)");
        error(
                HEAD + "plugins:\n- type: 5\n",
                "type: 5",
                "plugins[0].type",
                "found integer 5 (expected: a string; quote it)");
        String weight = HEAD + """
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                    weight: "2"
                """;
        error(weight, "weight", "schedulingProfiles[0].plugins[0].weight", "found string \"2\" (expected: a number)");
        String priority = HEAD + """
                featureGates: [flowControl]
                flowControl:
                  priorityBands:
                  - priority: high
                """;
        error(
                priority,
                "priority: high",
                "flowControl.priorityBands[0].priority",
                "found string \"high\" (expected: an integer)");
    }

    @Test
    void missingOrEmptyRequiredStringsAreErrors() {
        error(HEAD + "plugins:\n- name: x\n", "- name: x", "plugins[0].type", "required field is missing");
        error(
                HEAD + "plugins:\n- type: \"\"\n",
                "type:",
                "plugins[0].type",
                "found an empty string (expected: a plugin type)");
        error(
                HEAD + "schedulingProfiles:\n- plugins: []\n",
                "- plugins",
                "schedulingProfiles[0].name",
                "required field is missing");
        error(
                HEAD + "schedulingProfiles:\n- name: p\n  plugins:\n  - weight: 10\n",
                "weight: 10",
                "schedulingProfiles[0].plugins[0].pluginRef",
                "required field is missing");
        error(HEAD + "parser: {}\n", "parser", "parser.pluginRef", "required field is missing");
    }

    @Test
    void syntaxErrorIsReportedWithItsPosition() {
        EndpointPickerConfigResult r = load(HEAD + "plugins: [\n");
        assertThat(r.config()).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("YAML syntax error:");
            assertThat(p.location().file()).isEqualTo(FILE);
        });
    }

    @Test
    void otherKindsAndVersionsAreRefused() {
        EndpointPickerConfigResult r = load(HEAD.replace("v1alpha1", "v1alpha2"));
        assertThat(r.config()).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("apiVersion");
            assertThat(p.message())
                    .isEqualTo("found \"inference.networking.x-k8s.io/v1alpha2\" (expected:"
                            + " inference.networking.x-k8s.io/v1alpha1)");
        });
        error(
                HEAD.replace("kind: EndpointPickerConfig", "kind: InferencePool"),
                "kind",
                "kind",
                "found \"InferencePool\" (expected: EndpointPickerConfig)");
        error("kind: EndpointPickerConfig\n", "kind", "apiVersion", "required field is missing");
        single("# nothing\n", Severity.ERROR, 1, "", "found no document (expected: an EndpointPickerConfig");
    }

    @Test
    void aSecondDocumentIsAnError() {
        String yaml = HEAD + "---\n" + HEAD;
        single(yaml, Severity.ERROR, 4, "", "a second document (expected: exactly one EndpointPickerConfig");
    }

    // --- rules: exactly one problem each

    @Test
    void unknownPluginTypeListsTheAcceptedOnes() {
        String yaml = HEAD + "plugins:\n- type: queue-scorer\n- type: kv-cache-scorrer\n";
        Problem p = error(
                yaml,
                "kv-cache-scorrer",
                "plugins[1].type",
                "unknown plugin type \"kv-cache-scorrer\""
                        + " (expected one of: queue-scorer, kv-cache-utilization-scorer, ");
        assertThat(p.message())
                .contains(
                        "low-queue-filter",
                        "decision-tree-filter",
                        "kv-cache-scorer,",
                        "in-flight-requests-scorer",
                        "in-flight-tokens-scorer",
                        "session-affinity-scorer",
                        "prefill-queue-scorer",
                        "least-recently-picked-scorer",
                        "sticky-lora-affinity-filter)");
        assertThat(p.location().column()).isEqualTo(9);
    }

    @Test
    void danglingPluginRefIsAnError() {
        String yaml = HEAD + """
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                  - pluginRef: kv-cache-utilization-scorer
                """;
        error(
                yaml,
                "pluginRef: kv-cache",
                "schedulingProfiles[0].plugins[1].pluginRef",
                "plugin \"kv-cache-utilization-scorer\" is not declared (declared: queue-scorer)");
        error(
                HEAD + "saturationDetector:\n  pluginRef: concurrency-detector\n",
                "pluginRef",
                "saturationDetector.pluginRef",
                "plugin \"concurrency-detector\" is not declared (no plugins are" + " declared)");
        error(
                HEAD + "parser:\n  pluginRef: vllmgrpc-parser\n",
                "pluginRef",
                "parser.pluginRef",
                "plugin \"vllmgrpc-parser\" is not declared");
        error(
                HEAD + "dataLayer:\n  sources:\n  - pluginRef: metrics-data-source\n    extractors: []\n",
                "pluginRef",
                "dataLayer.sources[0].pluginRef",
                "plugin \"metrics-data-source\" is not declared");
        String band = HEAD + """
                featureGates: [flowControl]
                flowControl:
                  priorityBands:
                  - priority: 1
                    orderingPolicyRef: edf
                """;
        error(band, "edf", "flowControl.priorityBands[0].orderingPolicyRef", "plugin \"edf\" is not declared");
    }

    @Test
    void referenceToAPluginOfTheWrongRoleIsAnError() {
        String yaml = HEAD + "plugins:\n- type: queue-scorer\nparser:\n  pluginRef: queue-scorer\n";
        error(
                yaml,
                "pluginRef",
                "parser.pluginRef",
                "plugin \"queue-scorer\" has type queue-scorer, which is not a"
                        + " parser (expected: a plugin of type openai-parser, vllmgrpc-parser, passthrough-parser)");
    }

    @Test
    void duplicatePluginNameIsAnError() {
        String yaml = HEAD + """
                plugins:
                - type: prefix-cache-affinity-filter
                  parameters:
                    affinityThreshold: 0.99
                - type: prefix-cache-affinity-filter
                  parameters:
                    affinityThreshold: 0.80
                """;
        single(
                yaml,
                Severity.ERROR,
                7,
                "plugins[1].name",
                "duplicate plugin name \"prefix-cache-affinity-filter\""
                        + " (first: plugins[0]; a name defaults to the type, so give each instance of a type its own name)");
        String named = HEAD + "plugins:\n- name: a\n  type: queue-scorer\n- name: a\n  type: random-picker\n";
        single(named, Severity.ERROR, 6, "plugins[1].name", "duplicate plugin name \"a\"");
    }

    @Test
    void negativeOrNonFiniteWeightIsAnError() {
        String yaml = HEAD + """
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                    weight: -1
                """;
        error(
                yaml,
                "weight",
                "schedulingProfiles[0].plugins[0].weight",
                "found -1.0 (expected: a finite number" + " >= 0;");
        error(
                yaml.replace("-1", ".inf"),
                "weight",
                "schedulingProfiles[0].plugins[0].weight",
                "found Infinity (expected: a finite number >= 0;");
        assertThat(load(yaml.replace("-1", "0")).problems()).isEmpty();
    }

    @Test
    void badDurationIsAnError() {
        String yaml = HEAD + "featureGates: [flowControl]\nflowControl:\n  defaultRequestTTL: 5x\n";
        error(
                yaml,
                "5x",
                "flowControl.defaultRequestTTL",
                "\"5x\" is not a duration: unknown unit \"x\" (expected:"
                        + " a Go duration such as 200ms, 1.5s, 5m or 1h30m (units: ns, us, ms, s, m, h))");
        String number = HEAD + "featureGates: [flowControl]\nflowControl:\n  defaultRequestTTL: 30\n";
        error(number, "30", "flowControl.defaultRequestTTL", "found integer 30 (expected: a Go duration");
        String negative = HEAD + "featureGates: [flowControl]\nflowControl:\n  defaultRequestTTL: -1s\n";
        error(
                negative,
                "-1s",
                "flowControl.defaultRequestTTL",
                "found a negative duration (expected: a duration" + " >= 0;");
    }

    @Test
    void badQuantityIsAnError() {
        String yaml = HEAD + "featureGates: [flowControl]\nflowControl:\n  maxBytes: 1GB\n";
        error(
                yaml,
                "1GB",
                "flowControl.maxBytes",
                "\"1GB\" is not a quantity: unknown suffix \"GB\" (expected: a"
                        + " Kubernetes quantity such as 100, 1k, 500M or 1Gi)");
        String negative = HEAD + "featureGates: [flowControl]\nflowControl:\n  maxRequests: -5\n";
        error(negative, "-5", "flowControl.maxRequests", "found -5 (expected: a quantity >= 0;");
    }

    @Test
    void duplicateBandPriorityIsAnError() {
        String yaml = HEAD + """
                featureGates: [flowControl]
                flowControl:
                  priorityBands:
                  - priority: 1
                  - priority: 1
                """;
        single(
                yaml,
                Severity.ERROR,
                7,
                "flowControl.priorityBands[1].priority",
                "duplicate priority 1 (first: flowControl.priorityBands[0]; a priority has one band)");
    }

    @Test
    void legacyBlockSizeWithoutBlockSizeTokensIsAnError() {
        String yaml = HEAD + """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    blockSize: 64
                    maxPrefixBlocksToMatch: 256
                """;
        error(
                yaml,
                "blockSize: 64",
                "plugins[0].parameters.blockSize",
                "blockSize is deprecated (it counts"
                        + " characters) and blockSizeTokens is not set (expected: blockSizeTokens, in tokens of about 4"
                        + " characters, e.g. blockSizeTokens: 16 for blockSize: 64;");
        String zero = yaml.replace("    maxPrefixBlocksToMatch: 256\n", "    blockSizeTokens: 0\n");
        error(zero, "blockSize: 64", "plugins[0].parameters.blockSize", "and blockSizeTokens is not positive");
        String producer = yaml.replace("type: prefix-cache-scorer", "type: approx-prefix-cache-producer");
        error(producer, "blockSize: 64", "plugins[0].parameters.blockSize", "blockSize is deprecated");
        assertThat(load(yaml.replace("    maxPrefixBlocksToMatch: 256\n", "    blockSizeTokens: 16\n"))
                        .problems())
                .isEmpty();
    }

    @Test
    void moreThanOneProfileNeedsAProfileHandlerThatRunsSeveral() {
        String yaml = HEAD + """
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: prefill
                  plugins:
                  - pluginRef: queue-scorer
                - name: decode
                  plugins:
                  - pluginRef: queue-scorer
                """;
        error(yaml, "- name: decode", "schedulingProfiles[1]", "2 scheduling profiles and no profile handler");
        String single =
                yaml.replace("- type: queue-scorer\n", "- type: queue-scorer\n- type: single-profile-handler\n");
        error(
                single,
                "- name: decode",
                "schedulingProfiles[1]",
                "2 scheduling profiles, but profile handler"
                        + " \"single-profile-handler\" is a single-profile-handler, which runs exactly one");
    }

    @Test
    void duplicateProfileNameAndSecondPickerAreErrors() {
        String yaml = HEAD + """
                plugins:
                - type: queue-scorer
                - type: single-profile-handler
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                """;
        List<Problem> problems = load(yaml).problems();
        assertThat(problems)
                .extracting(Problem::field)
                .containsExactly("schedulingProfiles[1]", "schedulingProfiles[1].name");
        assertThat(problems.get(1).message())
                .isEqualTo("duplicate profile name \"default\" (first:" + " schedulingProfiles[0])");
        String pickers = HEAD + """
                plugins:
                - type: max-score-picker
                - type: random-picker
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: max-score-picker
                  - pluginRef: random-picker
                """;
        error(
                pickers,
                "pluginRef: random-picker",
                "schedulingProfiles[0].plugins[1].pluginRef",
                "a second picker \"random-picker\" in profile \"default\" (first: \"max-score-picker\"); a profile has"
                        + " one picker");
    }

    @Test
    void aSecondProfileHandlerIsAnError() {
        String yaml = HEAD + "plugins:\n- name: a\n  type: single-profile-handler\n- name: b\n"
                + "  type: single-profile-handler\n";
        single(
                yaml,
                Severity.ERROR,
                7,
                "plugins[1].type",
                "a second profile handler \"b\" (first: \"a\", plugins[0]);" + " only one is allowed");
    }

    @Test
    void unknownFeatureGateIsAnError() {
        error(
                HEAD + "featureGates:\n- flowcontrol\n",
                "- flowcontrol",
                "featureGates[0]",
                "unknown feature gate \"flowcontrol\" (expected one of: dataLayer, enableLegacyMetrics, flowControl)");
    }

    // --- rules: warnings for what GIE ignores

    @Test
    void sectionsGieIgnoresAreWarnings() {
        // a section is placed where its value starts
        warning(
                HEAD + "flowControl:\n  maxBytes: 1Gi\n",
                "maxBytes",
                "flowControl",
                "ignored: feature gate \"flowControl\" is not enabled");
        warning(
                HEAD + "featureGates: [enableLegacyMetrics]\ndataLayer:\n  sources: []\n",
                "sources",
                "dataLayer",
                "ignored: feature gate \"enableLegacyMetrics\" turns the data layer off");
        warning(
                HEAD + "featureGates: [dataLayer]\n",
                "featureGates",
                "featureGates[0]",
                "feature gate \"dataLayer\" is obsolete");
    }

    @Test
    void weightOnAPickerAndAProducerInAProfileAreWarnings() {
        String yaml = HEAD + """
                plugins:
                - type: random-picker
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: random-picker
                    weight: 2
                """;
        warning(
                yaml,
                "weight: 2",
                "schedulingProfiles[0].plugins[0].weight",
                "weight is ignored: plugin" + " \"random-picker\" has type random-picker, which is not a scorer");
        String producer = HEAD + """
                plugins:
                - type: predicted-latency-producer
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: predicted-latency-producer
                """;
        warning(
                producer,
                "- pluginRef",
                "schedulingProfiles[0].plugins[0].pluginRef",
                "plugin"
                        + " \"predicted-latency-producer\" has type predicted-latency-producer, which is not a filter, scorer"
                        + " or picker, so it does nothing in a profile");
    }

    @Test
    void unreadableFileIsAProblem() {
        EndpointPickerConfigResult r = EndpointPickerConfigLoader.load(Path.of("src/test/resources/epc/nope.yaml"));
        assertThat(r.config()).isEmpty();
        assertThat(r.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("cannot read file: no such file"));
    }
}
