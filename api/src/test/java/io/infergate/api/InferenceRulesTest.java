package io.infergate.api;

import static io.infergate.api.Yaml.error;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.load.LoadResult;
import org.junit.jupiter.api.Test;

/** One test per Inference Extension rule (the CRD types in GIE's {@code api/} and {@code apix/}), each with a bad
 * manifest.
 */
class InferenceRulesTest {

    private static final String POOL = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata:
              name: pool
            spec:
              selector:
                matchLabels:
                  app: m
              targetPorts:
                - number: 8000
            """;

    private static final String LEGACY_POOL = """
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferencePool
            metadata:
              name: pool
            spec:
              selector:
                app: m
              targetPortNumber: 8000
              extensionRef:
                name: epp
                portNumber: 9002
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: epp
            spec:
              ports:
                - port: 9002
            """;

    private static String model(String name, String modelName, String extra) {
        return """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata:
                  name: %s
                %sspec:
                  modelName: %s
                  poolRef:
                    name: pool
                """.formatted(name, extra, modelName);
    }

    @Test
    void validPoolHasNoProblems() {
        assertThat(Yaml.load(POOL).problems()).isEmpty();
        assertThat(Yaml.load(LEGACY_POOL).problems()).isEmpty();
    }

    @Test
    void faultLimitAnnotationsAreCheckedWithTheServeParser() {
        String annotated = POOL.replaceFirst(
                "  name: pool\n",
                "  name: pool\n  annotations:\n    infergate.io/outlier-consecutive-failures: \"-1\"\n");
        error(
                annotated,
                6,
                "InferencePool/pool",
                "metadata.annotations.infergate.io/outlier-consecutive-failures",
                "\"-1\" is not valid (expected: an integer >= 0)");
        assertThat(Yaml.load(annotated.replace("\"-1\"", "\"2\"")).problems()).isEmpty();
        String budget = POOL.replaceFirst(
                "  name: pool\n", "  name: pool\n  annotations:\n    infergate.io/retry-budget-percent: \"150\"\n");
        error(
                budget,
                6,
                "InferencePool/pool",
                "metadata.annotations.infergate.io/retry-budget-percent",
                "\"150\" is not valid (expected: an integer 0..100)");
    }

    @Test
    void targetPortsAtMostEight() {
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            ports.append("    - number: ").append(8000 + i).append('\n');
        }
        error(
                POOL.replace("    - number: 8000\n", ports.toString()),
                10,
                "InferencePool/pool",
                "spec.targetPorts",
                "found 9 items (expected: at most 8)");
    }

    @Test
    void targetPortsUnique() {
        error(
                POOL + "    - number: 8000\n",
                11,
                "InferencePool/pool",
                "spec.targetPorts[1].number",
                "port number must be unique (8000 appears more than once)");
    }

    @Test
    void targetPortInRange() {
        error(
                POOL.replace("8000", "70000"),
                10,
                "InferencePool/pool",
                "spec.targetPorts[0].number",
                "found 70000 (expected: 1..65535)");
        error(
                LEGACY_POOL.replace("8000", "0"),
                8,
                "InferencePool/pool",
                "spec.targetPortNumber",
                "found 0 (expected: 1..65535)");
    }

    @Test
    void targetPortsRequiredAndNotEmpty() {
        error(
                POOL.replace("  targetPorts:\n    - number: 8000\n", "  targetPorts: []\n"),
                9,
                "InferencePool/pool",
                "spec.targetPorts",
                "found 0 items (expected: 1..8 target ports)");
        error(
                POOL.replace("  targetPorts:\n    - number: 8000\n", ""),
                6,
                "InferencePool/pool",
                "spec.targetPorts",
                "required field is missing");
    }

    @Test
    void selectorNeedsAtLeastOneLabelAndAtMost64() {
        error(
                POOL.replace("    matchLabels:\n      app: m\n", "    matchLabels: {}\n"),
                7,
                "InferencePool/pool",
                "spec.selector.matchLabels",
                "found no entries (expected: 1..64 labels");
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            labels.append("      l").append(i).append(": v\n");
        }
        error(
                POOL.replace("      app: m\n", labels.toString()),
                8,
                "InferencePool/pool",
                "spec.selector.matchLabels",
                "found 65 items (expected: at most 64)");
    }

    @Test
    void selectorLabelValueFormat() {
        error(
                POOL.replace("app: m", "app: \"-bad-\""),
                8,
                "InferencePool/pool",
                "spec.selector.matchLabels.app",
                "\"-bad-\" is not a valid label value");
    }

    @Test
    void endpointPickerServiceNeedsAPort() {
        error(
                POOL + "  endpointPickerRef:\n    name: epp\n"
                        + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: epp\nspec:\n  ports:\n  - port: 9002\n",
                12,
                "InferencePool/pool",
                "spec.endpointPickerRef",
                "port is required when kind is 'Service' or unspecified (defaults to 'Service')");
    }

    @Test
    void endpointPickerFailureModeEnum() {
        error(
                POOL + "  endpointPickerRef:\n    name: epp\n    port:\n      number: 9002\n    failureMode: Open\n"
                        + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: epp\nspec:\n  ports:\n  - port: 9002\n",
                15,
                "InferencePool/pool",
                "spec.endpointPickerRef.failureMode",
                "unsupported value \"Open\" (expected one of: FailOpen, FailClose)");
    }

    @Test
    void endpointPickerServiceMustHaveThePort() {
        error(
                LEGACY_POOL.replace("portNumber: 9002", "portNumber: 9003"),
                11,
                "InferencePool/pool",
                "spec.extensionRef.portNumber",
                "Service epp has no port 9003 (expected one of: [9002])");
    }

    @Test
    void externalNameServiceIsNotAnEndpointPicker() {
        error(
                LEGACY_POOL + "  type: ExternalName\n",
                10,
                "InferencePool/pool",
                "spec.extensionRef.name",
                "Service epp is of type ExternalName");
    }

    @Test
    void legacyPoolRequiresExtensionRef() {
        error(
                LEGACY_POOL.replace("  extensionRef:\n    name: epp\n    portNumber: 9002\n", ""),
                6,
                "InferencePool/pool",
                "spec.extensionRef",
                "required field is missing");
    }

    @Test
    void inferenceModelWeightsAllOrNone() {
        String yaml = LEGACY_POOL + model("m", "food", "") + """
                  targetModels:
                  - name: a
                    weight: 10
                  - name: b
                """;
        error(
                yaml,
                30,
                "InferenceModel/m",
                "spec.targetModels",
                "Weights should be set for all models, or none of the models. (found 1 of 2 with a weight)");
    }

    @Test
    void inferenceModelWeightRange() {
        String yaml = LEGACY_POOL + model("m", "food", "") + """
                  targetModels:
                  - name: a
                    weight: 1000001
                """;
        error(yaml, 31, "InferenceModel/m", "spec.targetModels[0].weight", "found 1000001 (expected: 1..1000000)");
    }

    @Test
    void inferenceModelAtMostTenTargets() {
        StringBuilder t = new StringBuilder("  targetModels:\n");
        for (int i = 0; i < 11; i++) {
            t.append("  - name: t").append(i).append('\n');
        }
        error(
                LEGACY_POOL + model("m", "food", "") + t,
                30,
                "InferenceModel/m",
                "spec.targetModels",
                "found 11 items (expected: at most 10)");
    }

    @Test
    void inferenceModelCriticalityEnum() {
        error(
                LEGACY_POOL + model("m", "food", "") + "  criticality: High\n",
                29,
                "InferenceModel/m",
                "spec.criticality",
                "unsupported value \"High\" (expected one of: Critical, Standard, Sheddable)");
    }

    @Test
    void inferenceModelModelNameRequiredAndAtMost256() {
        error(
                LEGACY_POOL + model("m", "x".repeat(257), ""),
                26,
                "InferenceModel/m",
                "spec.modelName",
                "is 257 characters long (expected: at most 256)");
    }

    @Test
    void modelNameClashTheNewerGetsAWarning() {
        String yaml = LEGACY_POOL + model("first", "food", "") + model("second", "food", "");
        Problem p = Yaml.single(
                yaml,
                Severity.WARNING,
                35,
                "InferenceModel/second",
                "spec.modelName",
                "modelName \"food\" is already claimed in pool pool by the older InferenceModel/first (test.yaml:21:1)");
        assertThat(p.message()).endsWith("this InferenceModel is ignored (reason ModelNameInUse)");
        assertThat(Yaml.load(yaml).manifests().effectiveInferenceModels())
                .extracting(m -> m.metadata().name())
                .containsExactly("first");
    }

    @Test
    void modelNameClashCreationTimestampBeatsDocumentOrder() {
        String yaml = LEGACY_POOL
                + model("first", "food", "")
                + model("second", "food", "  creationTimestamp: \"2025-01-01T00:00:00Z\"\n");
        Yaml.single(
                yaml,
                Severity.WARNING,
                26,
                "InferenceModel/first",
                "spec.modelName",
                "already claimed in pool pool by the older InferenceModel/second");
        assertThat(Yaml.load(yaml).manifests().effectiveInferenceModels())
                .extracting(m -> m.metadata().name())
                .containsExactly("second");
    }

    @Test
    void inferenceModelPoolRefMustResolveInItsGroup() {
        // a v1 pool exists, but InferenceModel's poolRef group defaults to the x-k8s.io group
        error(
                POOL + model("m", "food", ""),
                19,
                "InferenceModel/m",
                "spec.poolRef.name",
                "InferencePool default/pool of group inference.networking.x-k8s.io (the default for InferenceModel)"
                        + " is not declared; an InferencePool of that name exists in group"
                        + " inference.networking.k8s.io (set spec.poolRef.group to it)");
    }

    @Test
    void inferenceObjectivePoolRefMustResolve() {
        error(
                POOL + """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata:
                  name: o
                spec:
                  priority: -1
                  poolRef:
                    name: other
                """,
                19,
                "InferenceObjective/o",
                "spec.poolRef.name",
                "InferencePool default/other of group inference.networking.k8s.io (the default for"
                        + " InferenceObjective) is not declared");
    }

    private static final String REWRITE = POOL + """
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModelRewrite
            metadata:
              name: w
            spec:
              poolRef:
                name: pool
              rules:
                - matches:
                    - model:
                        value: a
                  targets:
                    - modelRewrite: a-v1
                      weight: 1
            """;

    @Test
    void validRewriteDefaultsMatchTypeExact() {
        LoadResult r = Yaml.load(REWRITE);
        assertThat(r.problems()).isEmpty();
        assertThat(r.manifests().rewritesFor(r.manifests().inferencePools().get(0)))
                .hasSize(1);
    }

    @Test
    void rewriteTargetWeightRange() {
        error(
                REWRITE.replace("weight: 1\n", "weight: 0\n"),
                25,
                "InferenceModelRewrite/w",
                "spec.rules[0].targets[0].weight",
                "found 0 (expected: 1..1000000)");
    }

    @Test
    void rewriteTargetWeightRequired() {
        error(
                REWRITE.replace("      weight: 1\n", ""),
                24,
                "InferenceModelRewrite/w",
                "spec.rules[0].targets[0].weight",
                "required field is missing");
    }

    @Test
    void rewriteNeedsAtLeastOneTarget() {
        error(
                REWRITE.replace(
                        "      targets:\n        - modelRewrite: a-v1\n          weight: 1\n", "      targets: []\n"),
                23,
                "InferenceModelRewrite/w",
                "spec.rules[0].targets",
                "found no targets (expected: at least 1)");
    }

    @Test
    void rewriteMatchTypeIsExactOnly() {
        error(
                REWRITE.replace("value: a\n", "value: a\n            type: Prefix\n"),
                23,
                "InferenceModelRewrite/w",
                "spec.rules[0].matches[0].model.type",
                "unsupported value \"Prefix\" (expected one of: Exact)");
    }

    @Test
    void rewriteShadowedExactMatchIsAWarning() {
        String second = REWRITE.substring(POOL.length()).replace("name: w", "name: w2");
        Yaml.single(
                REWRITE + second,
                Severity.WARNING,
                37,
                "InferenceModelRewrite/w2",
                "spec.rules[0].matches[0].model.value",
                "model \"a\" is already matched exactly by InferenceModelRewrite/w rule 0");
    }
}
