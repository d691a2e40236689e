package io.infergate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.api.load.LoadResult;
import io.infergate.api.load.Params;
import io.infergate.api.model.ConfigMap;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.ManifestSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * EndpointPickerConfig inside manifests: as a document of a manifest set, and as a ConfigMap value (GIE's example
 * manifests and Helm chart ship it that way), including GIE v0.5.1's
 * {@code config/manifests/inferencepool-resources.yaml}.
 */
class EndpointPickerConfigManifestTest {

    private static final Path DIR = Path.of("src/test/resources/manifests");

    private static ConfigMap pluginsConfig(LoadResult r) {
        return r.manifests().configMaps().stream()
                .filter(cm -> cm.metadata().name().equals("plugins-config"))
                .findFirst()
                .orElseThrow();
    }

    // --- example f: the v0.5.1 ConfigMap with the filter tree and the scorer configuration

    @Test
    void exampleFsFilterTreeLoadsWithoutProblems() {
        LoadResult manifests =
                Manifests.load(List.of(DIR.resolve("gie-example-f.yaml"), DIR.resolve("companion-f.yaml")));
        assertThat(manifests.problems()).isEmpty();
        EndpointPickerConfigResult r = EndpointPickerConfigLoader.fromConfigMap(
                manifests.manifests(), pluginsConfig(manifests), "default-plugins.yaml");
        assertThat(r.problems()).extracting(Problem::format).isEmpty();
        assertThat(r.object()).isEqualTo("ConfigMap/plugins-config");
        EndpointPickerConfig c = r.config().orElseThrow();
        assertThat(c.plugins())
                .extracting(p -> p.name() + ":" + p.type())
                .containsExactly(
                        "low-queue-filter:low-queue-filter",
                        "lora-affinity-filter:lora-affinity-filter",
                        "least-queue-filter:least-queue-filter",
                        "least-kv-cache-filter:least-kv-cache-filter",
                        "low-latency-filter:decision-tree-filter",
                        "random-picker:random-picker",
                        "single-profile-handler:single-profile-handler");
        assertThat(c.schedulingProfiles())
                .singleElement()
                .satisfies(p -> assertThat(p.plugins())
                        .extracting(EndpointPickerConfig.ProfilePlugin::pluginRef)
                        .containsExactly("low-latency-filter", "random-picker"));

        // the decision tree is a parameters tree, positioned in the manifest file itself
        ConfigTree.Mapping tree = c.plugin("low-latency-filter").orElseThrow().parameters();
        ConfigTree leaf = ((ConfigTree.Mapping)
                        ((ConfigTree.Mapping) tree.get("nextOnFailure").orElseThrow())
                                .get("decisionTree")
                                .orElseThrow())
                .get("current")
                .orElseThrow();
        assertThat(leaf.path()).isEqualTo("plugins[4].parameters.nextOnFailure.decisionTree.current");
        assertThat(leaf.toJson()).isEqualTo("{\"pluginRef\":\"least-queue-filter\"}");
        String file = DIR.resolve("gie-example-f.yaml").toString();
        String text = EndpointPickerConfigTest.read(DIR.resolve("gie-example-f.yaml"));
        assertThat(leaf.location())
                .isEqualTo(new Location(file, EndpointPickerConfigTest.lineOf(text, "nextOnFailure:") + 3, 15));
        ConfigTree threshold = c.plugin("low-queue-filter")
                .orElseThrow()
                .parameters()
                .get("threshold")
                .orElseThrow();
        assertThat(threshold.location())
                .isEqualTo(new Location(file, EndpointPickerConfigTest.lineOf(text, "threshold: 128"), 20));
        List<Problem> problems = new ArrayList<>();
        Params p = r.params(c.plugin("lora-affinity-filter").orElseThrow(), problems::add);
        assertThat(p.number("threshold").getAsDouble()).isEqualTo(0.999);
        assertThat(p.integer("threshold")).isEmpty();
        assertThat(problems)
                .singleElement()
                .satisfies(x -> assertThat(x.format())
                        .isEqualTo(file + ":"
                                + EndpointPickerConfigTest.lineOf(text, "threshold: 0.999")
                                + ":20: error: ConfigMap/plugins-config:"
                                + " plugins[1].parameters.threshold: found number 0.999 (expected: an integer)"));
    }

    @Test
    void exampleFsScorerConfigurationLoadsWithoutProblems() {
        LoadResult manifests = Manifests.load(List.of(DIR.resolve("gie-example-f.yaml")));
        EndpointPickerConfigResult r = EndpointPickerConfigLoader.fromConfigMap(
                manifests.manifests(), pluginsConfig(manifests), "plugins-v2.yaml");
        assertThat(r.problems()).extracting(Problem::format).isEmpty();
        EndpointPickerConfig c = r.config().orElseThrow();
        assertThat(c.plugins())
                .extracting(EndpointPickerConfig.Plugin::type)
                .containsExactly(
                        "queue-scorer",
                        "kv-cache-scorer",
                        "prefix-cache-scorer",
                        "max-score-picker",
                        "single-profile-handler");
        assertThat(c.schedulingProfiles().get(0).plugins())
                .extracting(pp -> pp.weight().isPresent() ? pp.weight().getAsDouble() : -1.0)
                .containsExactly(1.0, 1.0, 1.0, -1.0);
        // v0.5.1's hashBlockSize is no legacy blockSize: the plugin decides what to do with it
        assertThat(c.plugin("prefix-cache-scorer").orElseThrow().parameters().keys())
                .containsExactly("hashBlockSize", "maxPrefixBlocksToMatch", "lruCapacityPerServer");
    }

    @Test
    void configMapValueProblemsPointIntoTheManifestFile() {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: epp
                data:
                  config.yaml: |
                    apiVersion: inference.networking.x-k8s.io/v1alpha1
                    kind: EndpointPickerConfig
                    plugins:
                    - type: queue-scorer
                    schedulingProfiles:
                    - name: default
                      plugins:
                      - pluginRef: queue-scorer
                        weight: -2
                """;
        LoadResult loaded = Manifests.load("bundle.yaml", manifest);
        assertThat(loaded.problems()).isEmpty();
        ManifestSet set = loaded.manifests();
        ConfigMap cm = set.configMaps().get(0);

        EndpointPickerConfigResult exact =
                EndpointPickerConfigLoader.fromConfigMap(set, cm, "config.yaml", Optional.of(manifest));
        assertThat(exact.problems())
                .singleElement()
                .satisfies(
                        p -> assertThat(p.format())
                                .startsWith(
                                        "bundle.yaml:15:17: error: ConfigMap/epp: schedulingProfiles[0].plugins[0].weight: found -2.0"));
        assertThat(exact.locate("plugins[0].type")).isEqualTo(new Location("bundle.yaml", 10, 13));

        // "bundle.yaml" is no file, but the set kept the text it was loaded from
        assertThat(set.sourceText("bundle.yaml")).contains(manifest);
        EndpointPickerConfigResult kept = EndpointPickerConfigLoader.fromConfigMap(set, cm, "config.yaml");
        assertThat(kept.problems())
                .extracting(Problem::format)
                .isEqualTo(exact.problems().stream().map(Problem::format).toList());

        // a text that is not the one the ConfigMap was read from is not trusted: the value's line, and where in it
        EndpointPickerConfigResult other = EndpointPickerConfigLoader.fromConfigMap(
                set, cm, "config.yaml", Optional.of(manifest.replace("queue-scorer", "kv-cache-scorer")));
        assertThat(other.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.format())
                        .isEqualTo(
                                "bundle.yaml:6:16: error: ConfigMap/epp: schedulingProfiles[0].plugins[0].weight: found -2.0"
                                        + " (expected: a finite number >= 0; scores are multiplied by the weight and summed, so a"
                                        + " negative weight would prefer the endpoints the scorer rates worst)"
                                        + " (at line 9, column 13 of data[config.yaml])"));

        EndpointPickerConfigResult missing = EndpointPickerConfigLoader.fromConfigMap(set, cm, "plugins.yaml");
        assertThat(missing.config()).isEmpty();
        assertThat(missing.problems())
                .singleElement()
                .satisfies(
                        p -> assertThat(p.format())
                                .isEqualTo(
                                        "bundle.yaml:6:3: error: ConfigMap/epp: data: no key \"plugins.yaml\" (keys: config.yaml)"));
    }

    @Test
    void foldedOrQuotedValuesArePlacedAtTheirKeyWithThePositionInsideTheValue() {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: epp
                data:
                  config.json: '{"apiVersion": "inference.networking.x-k8s.io/v1alpha1", "kind": "EndpointPickerConfig", "plugins": [{"type": "nope"}]}'
                """;
        ManifestSet set = Manifests.load("bundle.yaml", manifest).manifests();
        EndpointPickerConfigResult r = EndpointPickerConfigLoader.fromConfigMap(
                set, set.configMaps().get(0), "config.json", Optional.of(manifest));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(new Location("bundle.yaml", 6, 16));
            assertThat(p.field()).isEqualTo("plugins[0].type");
            assertThat(p.message())
                    .startsWith("unknown plugin type \"nope\"")
                    .endsWith(" (at line 1, column 111 of data[config.json])");
        });
    }

    @Test
    void whatAValueHoldsIsJudgedFromItsFirstDocument() {
        assertThat(EndpointPickerConfigLoader.whyNotAConfig("apiVersion: x\nkind: EndpointPickerConfig\n"))
                .isEmpty();
        assertThat(EndpointPickerConfigLoader.whyNotAConfig("{\"kind\": \"EndpointPickerConfig\"}"))
                .isEmpty();
        assertThat(EndpointPickerConfigLoader.whyNotAConfig("kind: Secret\n")).contains("kind Secret");
        assertThat(EndpointPickerConfigLoader.whyNotAConfig("plugins: []\n")).contains("no kind field");
        assertThat(EndpointPickerConfigLoader.whyNotAConfig("hello")).contains("string \"hello\"");
        assertThat(EndpointPickerConfigLoader.whyNotAConfig("- a\n")).contains("a list");
        assertThat(EndpointPickerConfigLoader.whyNotAConfig("# nothing\n")).contains("no document");
        // unreadable YAML may still be meant as one: the strict loader says what is wrong, at its line
        assertThat(EndpointPickerConfigLoader.whyNotAConfig("kind: EndpointPickerConfig\nplugins: [\n"))
                .isEmpty();
    }

    @Test
    void aSetKeepsTheTextOfFilesWithConfigMapsOnly() {
        ManifestSet set = Manifests.load(List.of(DIR.resolve("gie-example-f.yaml"), DIR.resolve("companion-f.yaml")))
                .manifests();
        assertThat(set.sourceText(DIR.resolve("gie-example-f.yaml").toString()))
                .contains(EndpointPickerConfigTest.read(DIR.resolve("gie-example-f.yaml")));
        assertThat(set.sourceText(DIR.resolve("companion-f.yaml").toString())).isEmpty();
    }

    // --- as a document of a manifest set

    @Test
    void manifestWithAConfigNextToAPoolLoadsBoth() {
        LoadResult r = Manifests.load(List.of(DIR.resolve("epc-with-pool.yaml")));
        assertThat(r.problems()).extracting(Problem::format).isEmpty();
        assertThat(r.manifests().inferencePools()).hasSize(1);
        assertThat(r.manifests().endpointPickerConfigs())
                .extracting(c -> c.metadata().name())
                .containsExactly("default", "low-latency");
        EndpointPickerConfig gie = r.manifests().endpointPickerConfigs().get(0);
        assertThat(gie.displayName()).isEqualTo("EndpointPickerConfig/default");
        assertThat(gie.apiVersion()).isEqualTo("inference.networking.x-k8s.io/v1alpha1");
        assertThat(gie.schedulingProfiles().get(0).plugins())
                .extracting(pp -> pp.weight().getAsDouble())
                .containsExactly(2.0, 2.0, 3.0);
        EndpointPickerConfig ours = r.manifests().endpointPickerConfigs().get(1);
        assertThat(ours.plugins())
                .extracting(EndpointPickerConfig.Plugin::type)
                .containsExactly("queue-scorer", "in-flight-tokens-scorer", "session-affinity-scorer");
        String text = EndpointPickerConfigTest.read(DIR.resolve("epc-with-pool.yaml"));
        assertThat(r.manifests()
                        .locate(ours, "schedulingProfiles[0].plugins[2].weight")
                        .line())
                .isEqualTo(EndpointPickerConfigTest.lineOf(text, "weight: 5"));
    }

    @Test
    void problemsOfAConfigDocumentNameItAndItsLine() {
        String yaml = """
                apiVersion: inference.networking.x-k8s.io/v1alpha1
                kind: EndpointPickerConfig
                metadata:
                  name: picker
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: kv-cache-utilization-scorer
                """;
        Yaml.error(
                yaml,
                10,
                "EndpointPickerConfig/picker",
                "schedulingProfiles[0].plugins[0].pluginRef",
                "plugin \"kv-cache-utilization-scorer\" is not declared (declared: queue-scorer)");
        Yaml.error(
                "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nstatus: {}\n",
                3,
                "EndpointPickerConfig/default",
                "status",
                "unknown field \"status\"");
        Yaml.error(
                yaml.replace("v1alpha1", "v1"),
                1,
                "",
                "apiVersion",
                "kind EndpointPickerConfig is not known in"
                        + " apiVersion inference.networking.x-k8s.io/v1 (expected: inference.networking.x-k8s.io/v1alpha1)");
    }

    @Test
    void twoConfigsWithoutMetadataAreTheSameObject() {
        String doc = "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\n";
        LoadResult r = Yaml.load(doc + "---\n" + doc);
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.location().line()).isEqualTo(4);
            assertThat(p.message()).startsWith("EndpointPickerConfig default/default is declared twice");
        });
    }
}
