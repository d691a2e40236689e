package io.infergate.scheduler.scheduling.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.api.load.ManifestLoader;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.scheduler.admission.BandConfig;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.scheduling.Scheduler;
import io.infergate.scheduler.scheduling.plugins.DecisionTreeFilter;
import io.infergate.scheduler.scheduling.plugins.RandomPicker;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Which scheduling a pool gets from its annotations: built-in profiles, EndpointPickerConfig documents, and
 * EndpointPickerConfigs inside ConfigMaps as GIE deploys them (v0.5.1 {@code
 * config/manifests/inferencepool-resources.yaml}, byte for byte), with every problem at its line: the annotation's, or
 * the one inside the ConfigMap.
 */
class PoolSchedulingResolverTest {

    private static final Path POOL_F = Epc.DIR.resolve("pool-f.yaml");
    private static final String FILE = "pools.yaml";

    /** Example f and {@code text} (as {@value #FILE}), loaded and validated together. */
    private static ManifestSet withExampleF(String text) {
        LoadResult r = Manifests.validated(new ManifestLoader()
                .add(Epc.EXAMPLE_F)
                .add(FILE, new StringReader(text))
                .result());
        assertThat(r.errors()).extracting(Problem::format).isEmpty(); // a warning: example f's EPP Service is absent
        return r.manifests();
    }

    private static PoolSchedulingResolver.Resolution resolve(ManifestSet set) {
        return PoolSchedulingResolver.resolve(set, SchedulerSetupFactory.Options.DEFAULT);
    }

    private static InferencePool pool(ManifestSet set, String name) {
        return set.inferencePools().stream()
                .filter(p -> p.metadata().name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static String pool(String name, String annotations) {
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata:
                  name: %s
                  annotations:
                %s
                spec:
                  selector: {matchLabels: {app: m}}
                  targetPorts: [{number: 8000}]
                ---
                """.formatted(name, annotations.indent(4).stripTrailing());
    }

    /** 1-based line of {@code needle} (exactly once) in {@code text}. */
    private static int lineOf(String text, String needle) {
        int at = text.indexOf(needle);
        assertThat(at).as(needle).isNotNegative();
        assertThat(text.indexOf(needle, at + 1)).as("once: " + needle).isNegative();
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    // --- example f: the v0.5.1 filter tree in its ConfigMap

    @Test
    void exampleFsFilterTreeInItsConfigMapSchedulesAPool() {
        LoadResult loaded = Manifests.load(List.of(Epc.EXAMPLE_F, POOL_F));
        assertThat(loaded.errors()).extracting(Problem::format).isEmpty();
        ManifestSet set = loaded.manifests();
        PoolSchedulingResolver.Resolution r = resolve(set);
        assertThat(r.problems()).extracting(Problem::format).isEmpty();

        PoolScheduling s = r.pool(pool(set, "filter-tree"));
        assertThat(s.profile()).isEqualTo("plugins-config/default-plugins.yaml");
        PoolPickerConfig config = s.pickerConfig().orElseThrow();
        assertThat(config.source()).isEqualTo("ConfigMap/plugins-config[default-plugins.yaml]");
        assertThat(config.setup().profile().filters()).singleElement().isInstanceOf(DecisionTreeFilter.class);
        assertThat(config.setup().profile().picker()).isInstanceOf(RandomPicker.class);
        assertThat(s.flowControl()).isFalse();
        assertThat(s.metricsExtractor()).isSameAs(MetricsExtractor.withBuiltins());
        // example f's own v1alpha2 pool has no annotation: the gateway's default
        assertThat(r.pool(pool(set, "vllm-llama3-8b-instruct"))).isEqualTo(PoolScheduling.DEFAULT);

        // a working scheduler: pod a has a short queue, pod b one above the tree's low-queue threshold (128)
        Datastore datastore = new Datastore();
        PoolSnapshot snapshot = PoolSnapshot.of(set, pool(set, "filter-tree"));
        PoolState state = datastore.publish(snapshot, s.metricsExtractor());
        state.slots().get(0).metrics(Cluster.metrics(2, 0.3));
        state.slots().get(1).metrics(Cluster.metrics(200, 0.1));
        Scheduler scheduler = config.build(null, SchedulerSetupFactory.Options.DEFAULT)
                .scheduler(datastore, new InFlightTracker(), () -> Cluster.NOW, () -> new SplittableRandom(3), false);
        for (int i = 0; i < 5; i++) {
            PickResult picked = scheduler.pick(
                    new PickRequest(
                            "r" + i, "food-review-1", 0, 0, "default-flow", "", new PromptBytes(new byte[0], 0, 0)),
                    snapshot);
            assertThat(picked)
                    .isInstanceOfSatisfying(
                            PickResult.Picked.class,
                            p -> assertThat(p.preferred().hostPort()).isEqualTo("10.0.0.1:8000"));
        }
    }

    @Test
    void aConfigMapNameAloneMustHoldExactlyOneConfiguration() {
        String text = pool("tree", "infergate.io/scheduling-profile: plugins-config");
        PoolSchedulingResolver.Resolution r = resolve(withExampleF(text));
        assertThat(r.pool(pool(withExampleF(text), "tree"))).isNull();
        assertThat(r.problems())
                .extracting(Problem::format)
                .containsExactly(FILE + ":" + lineOf(text, "plugins-config")
                        + ":38: error: InferencePool/tree: metadata.annotations.infergate.io/scheduling-profile:"
                        + " \"plugins-config\": ConfigMap default/plugins-config holds 2 EndpointPickerConfigs"
                        + " (default-plugins.yaml, plugins-v2.yaml) (expected: exactly one, or plugins-config/<key> to name"
                        + " it)");

        String single = pool("single", "infergate.io/scheduling-profile: one-config") + """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: one-config}
                data:
                  README: not a configuration
                  epp.yaml: |
                    apiVersion: inference.networking.x-k8s.io/v1alpha1
                    kind: EndpointPickerConfig
                    plugins:
                    - type: queue-scorer
                """;
        ManifestSet set = withExampleF(single);
        PoolSchedulingResolver.Resolution ok = resolve(set);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.pool(pool(set, "single")).pickerConfig().orElseThrow().source())
                .isEqualTo("ConfigMap/one-config[epp.yaml]");
    }

    @Test
    void aMissingConfigMapKeyOrAValueThatIsNoConfigurationIsAnErrorAtTheAnnotation() {
        String text = pool("p1", "infergate.io/scheduling-profile: nowhere/epp.yaml")
                + pool("p2", "infergate.io/scheduling-profile: plugins-config/missing.yaml")
                + pool("p3", "infergate.io/scheduling-profile: notes/notes.txt")
                + pool("p4", "infergate.io/scheduling-profile: fastest")
                + pool("p5", "infergate.io/scheduling-profile: plugins-config/")
                + """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: notes}
                data:
                  notes.txt: remember the milk
                """;
        String at = ": error: InferencePool/%s: metadata.annotations.infergate.io/scheduling-profile: ";
        assertThat(resolve(withExampleF(text)).problems())
                .extracting(Problem::format)
                .containsExactly(
                        FILE + ":" + lineOf(text, "nowhere/") + ":38" + at.formatted("p1")
                                + "\"nowhere/epp.yaml\": there is"
                                + " no ConfigMap default/nowhere (EndpointPickerConfigs there: none; ConfigMaps: notes,"
                                + " plugins-config)",
                        FILE + ":" + lineOf(text, "missing.yaml") + ":38" + at.formatted("p2") + "\"plugins-config/"
                                + "missing.yaml\": ConfigMap default/plugins-config has no key \"missing.yaml\" (keys:"
                                + " default-plugins.yaml, plugins-v2.yaml)",
                        FILE + ":" + lineOf(text, "notes/notes.txt") + ":38" + at.formatted("p3")
                                + "\"notes/notes.txt\":"
                                + " data[notes.txt] of ConfigMap default/notes is not an EndpointPickerConfig (found: string"
                                + " \"remember the milk\"; expected: a YAML document with kind EndpointPickerConfig)",
                        FILE + ":" + lineOf(text, "fastest") + ":38" + at.formatted("p4") + "\"fastest\" names no"
                                + " scheduling profile (expected one of: gie-v0-filter-tree, gie-v1-default,"
                                + " infergate-default; or the name of an EndpointPickerConfig, or of a ConfigMap holding one,"
                                + " in namespace default: EndpointPickerConfigs there: none; ConfigMaps: notes,"
                                + " plugins-config; or <configmap>/<key>)",
                        FILE + ":" + lineOf(text, "plugins-config/\n") + ":38" + at.formatted("p5")
                                + "\"plugins-config/\""
                                + " (expected: <configmap>/<key>, a ConfigMap of namespace default and the key of its data"
                                + " that holds the EndpointPickerConfig)");
    }

    @Test
    void problemsInsideAConfigMapValueAreAtTheirLineInTheManifestOncePerValue() {
        String text = pool("a", "infergate.io/scheduling-profile: epp/config.yaml")
                + pool("b", "infergate.io/scheduling-profile: epp")
                + """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: epp}
                data:
                  config.yaml: |
                    apiVersion: inference.networking.x-k8s.io/v1alpha1
                    kind: EndpointPickerConfig
                    plugins:
                    - type: low-queue-filter
                      parameters:
                        threshold: "128"
                    - type: kv-cache-utilization-scorer
                    schedulingProfiles:
                    - name: default
                      plugins:
                      - pluginRef: low-queue-filter
                      - pluginRef: kv-cache-utilisation-scorer
                """;
        ManifestSet set = withExampleF(text);
        PoolSchedulingResolver.Resolution r = resolve(set);
        assertThat(r.problems())
                .extracting(Problem::format)
                .containsExactly(
                        FILE + ":" + lineOf(text, "\"128\"")
                                + ":20: error: ConfigMap/epp: plugins[0].parameters.threshold:"
                                + " found string \"128\" (expected: an integer)",
                        FILE + ":" + lineOf(text, "utilisation") + ":20: error: ConfigMap/epp:"
                                + " schedulingProfiles[0].plugins[1].pluginRef: plugin \"kv-cache-utilisation-scorer\" is not"
                                + " declared (declared: low-queue-filter, kv-cache-utilization-scorer)");
        assertThat(r.pool(pool(set, "a"))).isNull();
        assertThat(r.pool(pool(set, "b"))).isNull();
    }

    @Test
    void aValueInAnotherScalarStyleIsPlacedAtItsKey() {
        String text = pool("a", "infergate.io/scheduling-profile: epp/config.json") + """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: epp}
                data:
                  config.json: '{"apiVersion": "inference.networking.x-k8s.io/v1alpha1", "kind": "EndpointPickerConfig", "plugins": [{"type": "nope"}]}'
                """;
        List<Problem> problems = resolve(withExampleF(text)).problems();
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().file()).isEqualTo(FILE);
            assertThat(p.location().line()).isEqualTo(lineOf(text, "config.json: '"));
            assertThat(p.field()).isEqualTo("plugins[0].type");
            assertThat(p.message()).endsWith("(at line 1, column 111 of data[config.json])");
        });
    }

    // --- flow control: the configuration's feature gate, and the annotation

    private static final String GATED = """
            apiVersion: inference.networking.x-k8s.io/v1alpha1
            kind: EndpointPickerConfig
            metadata: {name: gated}
            featureGates: [flowControl]
            plugins:
            - type: queue-scorer
            - type: utilization-detector
              parameters: {queueDepthThreshold: 9, kvCacheUtilThreshold: 0.5}
            flowControl:
              defaultRequestTTL: 3s
              priorityBands:
              - {priority: 1, maxRequests: 1}
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha1
            kind: EndpointPickerConfig
            metadata: {name: ungated}
            plugins:
            - type: queue-scorer
            - type: utilization-detector
              parameters: {queueDepthThreshold: 7}
            """;

    @Test
    void theFeatureGateTurnsFlowControlOnWithTheConfigurationsLimitsAndDetector() {
        String text = pool("gated", "infergate.io/scheduling-profile: gated") + GATED;
        ManifestSet set = withExampleF(text);
        PoolSchedulingResolver.Resolution r = resolve(set);
        assertThat(r.problems()).isEmpty();
        PoolScheduling s = r.pool(pool(set, "gated"));
        assertThat(s.flowControl()).isTrue();
        FlowControlConfig fc = s.flowControlConfig().orElseThrow();
        assertThat(fc.requestTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(fc.band(1).maxRequests()).isEqualTo(1);
        assertThat(fc.band(0)).isEqualTo(BandConfig.DEFAULT);
        assertThat(s.saturationDetector().queueDepthThreshold()).isEqualTo(9);
        assertThat(s.saturationDetector().kvCacheUtilThreshold()).isEqualTo(0.5);
    }

    @Test
    void theAnnotationTurnsFlowControlOnWithTheGatewaysDefaultsAndFalseCannotOverrideTheGate() {
        String text = pool(
                        "by-annotation",
                        "infergate.io/scheduling-profile: ungated\n" + "infergate.io/flow-control: \"true\"")
                + pool(
                        "builtin",
                        "infergate.io/scheduling-profile: gie-v1-default\ninfergate.io/flow-control: \"true\"")
                + pool("redundant", "infergate.io/scheduling-profile: gated\ninfergate.io/flow-control: \"true\"")
                + pool("contradiction", "infergate.io/scheduling-profile: gated\ninfergate.io/flow-control: \"false\"")
                + pool("typo", "infergate.io/flow-control: \"yes\"")
                + GATED;
        ManifestSet set = withExampleF(text);
        PoolSchedulingResolver.Resolution r = resolve(set);

        PoolScheduling byAnnotation = r.pool(pool(set, "by-annotation"));
        assertThat(byAnnotation.flowControl()).isTrue();
        assertThat(byAnnotation.flowControlConfig()).isEmpty(); // the gateway's defaults
        assertThat(byAnnotation.saturationDetector().queueDepthThreshold()).isEqualTo(7); // the configuration's
        assertThat(r.pool(pool(set, "builtin"))).isEqualTo(PoolScheduling.builtIn("gie-v1-default", true));
        assertThat(r.pool(pool(set, "redundant")).flowControlConfig()).isPresent();
        assertThat(r.pool(pool(set, "contradiction"))).isNull();
        assertThat(r.pool(pool(set, "typo"))).isNull();
        String at = ": error: InferencePool/%s: metadata.annotations.infergate.io/flow-control: ";
        assertThat(r.problems())
                .extracting(Problem::format)
                .containsExactly(
                        FILE + ":" + lineOf(text, "\"false\"") + ":32" + at.formatted("contradiction") + "\"false\""
                                + " contradicts EndpointPickerConfig/gated, which turns flow control on with its flowControl"
                                + " feature gate (expected: no annotation, or a configuration without the gate)",
                        FILE + ":" + lineOf(text, "\"yes\"") + ":32" + at.formatted("typo")
                                + "\"yes\" (expected: \"true\"" + " or \"false\")");
    }

    @Test
    void everyConfigurationDocumentIsCheckedEvenWhenNoPoolNamesIt() {
        String text = """
                apiVersion: inference.networking.x-k8s.io/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: unused}
                plugins:
                - type: low-queue-filter
                  parameters: {threshold: -1}
                """;
        assertThat(resolve(withExampleF(text)).problems())
                .extracting(Problem::format)
                .containsExactly(
                        FILE + ":6:27: error: EndpointPickerConfig/unused: plugins[0].parameters.threshold: found -1"
                                + " (expected: 0..2147483647)");
    }

    @Test
    void aClientObjectivesAnnotationOutsideItsSpellingsIsAnError() {
        String text = pool("ok", "infergate.io/client-objectives: not-above-model")
                + pool("typo", "infergate.io/client-objectives: always");
        PoolSchedulingResolver.Resolution r = resolve(withExampleF(text));
        assertThat(r.problems())
                .extracting(Problem::format)
                .containsExactly(FILE + ":" + lineOf(text, "always")
                        + ":37: error: InferencePool/typo: metadata.annotations.infergate.io/client-objectives:"
                        + " \"always\" (expected one of: never, not-above-model, any)");
    }
}
