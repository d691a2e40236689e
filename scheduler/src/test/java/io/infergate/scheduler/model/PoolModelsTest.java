package io.infergate.scheduler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infergate.api.Manifests;
import io.infergate.api.model.InferenceModel.Criticality;
import io.infergate.api.model.ManifestSet;
import io.infergate.scheduler.model.Resolution.Resolved;
import io.infergate.scheduler.model.Resolution.TargetSource;
import io.infergate.scheduler.model.Resolution.UnknownModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class PoolModelsTest {

    private static final String FOOD_REVIEW_90_10 = """
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModel
            metadata:
              name: food-review
            spec:
              modelName: food-review
              criticality: Standard
              poolRef:
                name: legacy
              targetModels:
              - name: food-review-1
                weight: 90
              - name: food-review-2
                weight: 10
            """;

    private static String model(String name, String modelName, String criticality) {
        return """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: %s}
                spec:
                  modelName: %s
                  poolRef: {name: legacy}
                """.formatted(name, modelName) + (criticality == null ? "" : "  criticality: " + criticality + "\n");
    }

    private static String objective(String name, String pool, Integer priority) {
        return """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata: {name: %s}
                spec:
                  poolRef: %s
                """.formatted(name, pool) + (priority == null ? "" : "  priority: " + priority + "\n");
    }

    /** A rewrite of the v1 pool with one rule; {@code match} null makes it the generic rule. */
    private static String rewrite(String name, String created, String match, String... targets) {
        StringBuilder b = new StringBuilder(
                """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: %s%s}
                spec:
                  poolRef: {name: pool}
                  rules:
                  - targets:
                """.formatted(name, created == null ? "" : ", creationTimestamp: \"" + created + "\""));
        for (String t : targets) {
            b.append("    - {modelRewrite: ").append(t).append(", weight: 1}\n");
        }
        if (match != null) {
            b.append("    matches:\n    - model: {value: ").append(match).append("}\n");
        }
        return b.toString();
    }

    private static String docs(String... docs) {
        return String.join("---\n", docs);
    }

    private static Resolved resolved(Resolution r) {
        assertThat(r).isInstanceOf(Resolved.class);
        return (Resolved) r;
    }

    private static Map<String, Integer> draw(PoolModels models, String model, int n, RandomGenerator random) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(resolved(models.resolve(model, null, null, random)).targetModel(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void inferenceModelSplits90To10() {
        PoolModels models = Sets.legacy(Sets.load(FOOD_REVIEW_90_10));
        Map<String, Integer> counts = draw(models, "food-review", 100_000, new SplittableRandom(42));
        assertThat(counts).containsOnlyKeys("food-review-1", "food-review-2");
        assertThat(counts.get("food-review-1") / 100_000.0).isCloseTo(0.90, within(0.02));
        assertThat(counts.get("food-review-2") / 100_000.0).isCloseTo(0.10, within(0.02));

        Resolved r = resolved(models.resolve("food-review", null, null, new SplittableRandom(1)));
        assertThat(r.incomingModel()).isEqualTo("food-review");
        assertThat(r.targetSource()).isEqualTo(TargetSource.INFERENCE_MODEL);
        assertThat(r.rewritten()).isTrue();
        assertThat(r.inferenceModel())
                .hasValueSatisfying(m -> assertThat(m.metadata().name()).isEqualTo("food-review"));
        assertThat(r.rewrite()).isEmpty();
    }

    @Test
    void sameSeedSameDraws() {
        PoolModels models = Sets.legacy(Sets.load(FOOD_REVIEW_90_10));
        RandomGenerator a = new SplittableRandom(7);
        RandomGenerator b = new SplittableRandom(7);
        for (int i = 0; i < 1_000; i++) {
            assertThat(resolved(models.resolve("food-review", null, null, a)).targetModel())
                    .isEqualTo(resolved(models.resolve("food-review", null, null, b))
                            .targetModel());
        }
    }

    @Test
    void targetsWithoutWeightsShareEqually() {
        PoolModels models = Sets.legacy(Sets.load("""
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: m}
                spec:
                  modelName: m
                  poolRef: {name: legacy}
                  targetModels: [{name: a}, {name: b}, {name: c}]
                """));
        Map<String, Integer> counts = draw(models, "m", 90_000, new SplittableRandom(3));
        assertThat(counts).containsOnlyKeys("a", "b", "c");
        counts.values().forEach(c -> assertThat(c / 90_000.0).isCloseTo(1 / 3.0, within(0.02)));
    }

    @Test
    void weightsAreAllOrNone() {
        String mixed = docs(Sets.POOLS, """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: m}
                spec:
                  modelName: m
                  poolRef: {name: legacy}
                  targetModels: [{name: a, weight: 99}, {name: b}]
                """);
        var loaded = Manifests.load("test.yaml", mixed);
        assertThat(loaded.errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("Weights should be set for all models"));
        // such a set must not be served; compiled anyway, the lone weight is ignored rather than trusted
        ManifestSet set = loaded.manifests();
        PoolModels models = PoolModels.compile(set, Sets.pool(set, "inference.networking.x-k8s.io", "legacy"));
        Map<String, Integer> counts = draw(models, "m", 20_000, new SplittableRandom(5));
        assertThat(counts.get("a") / 20_000.0).isCloseTo(0.5, within(0.02));
    }

    @Test
    void criticalityMapsOntoPriority() {
        PoolModels models = Sets.legacy(Sets.load(docs(
                model("c", "crit", "Critical"),
                model("s", "std", "Standard"),
                model("d", "shed", "Sheddable"),
                model("u", "unset", null))));
        RandomGenerator random = new SplittableRandom(1);

        Resolved crit = resolved(models.resolve("crit", null, null, random));
        assertThat(crit.priority()).isEqualTo(1);
        assertThat(crit.sheddable()).isFalse();
        assertThat(crit.criticality()).contains(Criticality.CRITICAL);
        assertThat(crit.targetModel()).isEqualTo("crit");
        assertThat(crit.targetSource()).isEqualTo(TargetSource.INCOMING);

        Resolved std = resolved(models.resolve("std", null, null, random));
        assertThat(std.priority()).isZero();
        assertThat(std.sheddable()).isFalse();

        Resolved shed = resolved(models.resolve("shed", null, null, random));
        assertThat(shed.priority()).isEqualTo(-1);
        assertThat(shed.sheddable()).isTrue();

        Resolved unset = resolved(models.resolve("unset", null, null, random));
        assertThat(unset.priority()).isZero();
        assertThat(unset.criticality()).contains(Criticality.STANDARD);
    }

    @Test
    void objectiveHeaderSetsPriority() {
        PoolModels models = Sets.v1(Sets.load(docs(
                objective("premium", "{name: pool}", 10),
                objective("batch", "{name: pool}", -5),
                objective("plain", "{name: pool}", null),
                objective("elsewhere", "{name: legacy, group: inference.networking.x-k8s.io}", 99))));
        RandomGenerator random = new SplittableRandom(1);

        Resolved premium = resolved(models.resolve("any", null, "premium", random));
        assertThat(premium.priority()).isEqualTo(10);
        assertThat(premium.objective())
                .hasValueSatisfying(o -> assertThat(o.metadata().name()).isEqualTo("premium"));

        Resolved batch = resolved(models.resolve("any", null, "batch", random));
        assertThat(batch.priority()).isEqualTo(-5);
        assertThat(batch.sheddable()).isTrue();

        assertThat(resolved(models.resolve("any", null, "plain", random)).priority())
                .isZero();
        for (String header : new String[] {null, "", "nope", "elsewhere"}) {
            Resolved r = resolved(models.resolve("any", null, header, random));
            assertThat(r.priority()).as("header %s", header).isZero();
            assertThat(r.objective()).as("header %s", header).isEmpty();
        }
    }

    @Test
    void objectiveOverridesCriticality() {
        PoolModels models = Sets.legacy(Sets.load(docs(
                model("c", "crit", "Critical"),
                objective("batch", "{name: legacy, group: inference.networking.x-k8s.io}", -1))));
        RandomGenerator random = new SplittableRandom(1);
        assertThat(resolved(models.resolve("crit", null, "batch", random)).priority())
                .isEqualTo(-1);
        assertThat(resolved(models.resolve("crit", null, "unknown", random)).priority())
                .isEqualTo(1);
    }

    @Test
    void exactRewriteBeatsOlderGenericRule() {
        PoolModels models = Sets.v1(Sets.load(docs(
                rewrite("generic", "2020-01-01T00:00:00Z", null, "fallback"),
                rewrite("exact", "2025-01-01T00:00:00Z", "a", "a-v2"))));
        RandomGenerator random = new SplittableRandom(1);

        Resolved a = resolved(models.resolve("a", null, null, random));
        assertThat(a.targetModel()).isEqualTo("a-v2");
        assertThat(a.targetSource()).isEqualTo(TargetSource.REWRITE);
        assertThat(a.rewrite())
                .hasValueSatisfying(w -> assertThat(w.metadata().name()).isEqualTo("exact"));

        Resolved b = resolved(models.resolve("b", null, null, random));
        assertThat(b.targetModel()).isEqualTo("fallback");
        assertThat(b.rewrite())
                .hasValueSatisfying(w -> assertThat(w.metadata().name()).isEqualTo("generic"));
    }

    @Test
    void oldestRewriteWinsClashes() {
        // the younger one comes first in the document: age decides, not order
        PoolModels models = Sets.v1(Sets.load(docs(
                rewrite("young", "2025-06-01T00:00:00Z", "a", "young-target"),
                rewrite("old", "2025-01-01T00:00:00Z", "a", "old-target"),
                rewrite("young-generic", "2025-06-01T00:00:00Z", null, "young-generic-target"),
                rewrite("old-generic", "2025-01-01T00:00:00Z", null, "old-generic-target"))));
        RandomGenerator random = new SplittableRandom(1);
        assertThat(resolved(models.resolve("a", null, null, random)).targetModel())
                .isEqualTo("old-target");
        assertThat(resolved(models.resolve("z", null, null, random)).targetModel())
                .isEqualTo("old-generic-target");
    }

    @Test
    void firstMatchingRuleOfOneRewriteWins() {
        PoolModels models = Sets.v1(Sets.load("""
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: w}
                spec:
                  poolRef: {name: pool}
                  rules:
                  - matches: [{model: {value: x}}, {model: {value: a}}]
                    targets: [{modelRewrite: first, weight: 1}]
                  - matches: [{model: {value: a}}]
                    targets: [{modelRewrite: second, weight: 1}]
                """));
        assertThat(resolved(models.resolve("a", null, null, new SplittableRandom(1)))
                        .targetModel())
                .isEqualTo("first");
        assertThat(resolved(models.resolve("x", null, null, new SplittableRandom(1)))
                        .targetModel())
                .isEqualTo("first");
    }

    @Test
    void weightedRewriteSplits() {
        PoolModels models = Sets.v1(Sets.load("""
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: canary}
                spec:
                  poolRef: {name: pool}
                  rules:
                  - matches: [{model: {value: small-segment-lora}}]
                    targets:
                    - {modelRewrite: small-segment-lora-v1, weight: 90}
                    - {modelRewrite: small-segment-lora-v2, weight: 10}
                """));
        Map<String, Integer> counts = draw(models, "small-segment-lora", 100_000, new SplittableRandom(11));
        assertThat(counts.get("small-segment-lora-v1") / 100_000.0).isCloseTo(0.90, within(0.02));
        assertThat(counts.get("small-segment-lora-v2") / 100_000.0).isCloseTo(0.10, within(0.02));
    }

    @Test
    void matchingRuleOverridesTheRewriteHeader() {
        PoolModels models = Sets.v1(Sets.load(rewrite("exact", null, "a", "a-v2")));
        RandomGenerator random = new SplittableRandom(1);

        Resolved ruled = resolved(models.resolve("a", "forced", null, random));
        assertThat(ruled.targetModel()).isEqualTo("a-v2");
        assertThat(ruled.targetSource()).isEqualTo(TargetSource.REWRITE);

        Resolved headed = resolved(models.resolve("b", "forced", null, random));
        assertThat(headed.targetModel()).isEqualTo("forced");
        assertThat(headed.targetSource()).isEqualTo(TargetSource.HEADER);
        assertThat(headed.incomingModel()).isEqualTo("b");

        Resolved blank = resolved(models.resolve("b", " ", null, random));
        assertThat(blank.targetModel()).isEqualTo("b");
        assertThat(blank.targetSource()).isEqualTo(TargetSource.INCOMING);
        assertThat(blank.rewritten()).isFalse();
    }

    @Test
    void inferenceModelTargetsOverrideTheHeader() {
        PoolModels models = Sets.legacy(Sets.load(FOOD_REVIEW_90_10));
        assertThat(resolved(models.resolve("food-review", "forced", null, new SplittableRandom(1)))
                        .targetModel())
                .startsWith("food-review-");
    }

    @Test
    void exactRewriteBeatsInferenceModelTargetsButCriticalityStays() {
        PoolModels models = Sets.legacy(Sets.load(docs(FOOD_REVIEW_90_10.replace("Standard", "Critical"), """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: w}
                spec:
                  poolRef: {name: legacy, group: inference.networking.x-k8s.io}
                  rules:
                  - matches: [{model: {value: food-review}}]
                    targets: [{modelRewrite: food-review-3, weight: 1}]
                """)));
        Resolved r = resolved(models.resolve("food-review", null, null, new SplittableRandom(1)));
        assertThat(r.targetModel()).isEqualTo("food-review-3");
        assertThat(r.targetSource()).isEqualTo(TargetSource.REWRITE);
        assertThat(r.priority()).isEqualTo(1);
        assertThat(r.inferenceModel()).isPresent();
    }

    @Test
    void poolWithoutInferenceModelsRoutesAnyModelUnchanged() {
        PoolModels models = Sets.v1(Sets.load(rewrite("exact", null, "a", "a-v2")));
        assertThat(models.isStrict()).isFalse();
        Resolved r = resolved(models.resolve("never-declared", null, null, new SplittableRandom(1)));
        assertThat(r.targetModel()).isEqualTo("never-declared");
        assertThat(r.priority()).isEqualTo(Priorities.DEFAULT);
        assertThat(r.targetSource()).isEqualTo(TargetSource.INCOMING);
        assertThat(r.inferenceModel()).isEmpty();
        assertThat(r.rewrite()).isEmpty();
    }

    @Test
    void poolWithInferenceModelsRejectsUnknownModels() {
        PoolModels models = Sets.legacy(Sets.load(docs(FOOD_REVIEW_90_10, """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: w}
                spec:
                  poolRef: {name: legacy, group: inference.networking.x-k8s.io}
                  rules:
                  - matches: [{model: {value: canary}}]
                    targets: [{modelRewrite: canary-v1, weight: 1}]
                  - targets: [{modelRewrite: everything, weight: 1}]
                """)));
        assertThat(models.isStrict()).isTrue();
        RandomGenerator random = new SplittableRandom(1);

        assertThat(models.resolve("llama", "forced", "x", random)).isInstanceOfSatisfying(UnknownModel.class, u -> {
            assertThat(u.incomingModel()).isEqualTo("llama");
            assertThat(u.message()).contains("`llama`").contains("default/legacy");
        });
        Resolved canary = resolved(models.resolve("canary", null, null, random));
        assertThat(canary.targetModel()).isEqualTo("canary-v1");
        assertThat(canary.priority()).isZero();
        assertThat(canary.inferenceModel()).isEmpty();
    }

    @Test
    void genericRuleAppliesToDeclaredModelsWithoutTargets() {
        PoolModels models = Sets.legacy(Sets.load(docs(model("b", "base", "Critical"), """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: w}
                spec:
                  poolRef: {name: legacy, group: inference.networking.x-k8s.io}
                  rules:
                  - targets: [{modelRewrite: base-v2, weight: 1}]
                """)));
        Resolved r = resolved(models.resolve("base", null, null, new SplittableRandom(1)));
        assertThat(r.targetModel()).isEqualTo("base-v2");
        assertThat(r.priority()).isEqualTo(1);
    }

    @Test
    void modelsOfOtherPoolsAreIgnored() {
        ManifestSet set = Sets.load(docs(
                FOOD_REVIEW_90_10.replace("name: legacy", "name: other"),
                objective("premium", "{name: other, group: inference.networking.x-k8s.io}", 10),
                rewrite("exact", null, "a", "a-v2")));
        PoolModels legacy = Sets.legacy(set);
        assertThat(legacy.isStrict()).isFalse();
        assertThat(legacy.incomingModelNames()).isEmpty();
        Resolved r = resolved(legacy.resolve("food-review", null, "premium", new SplittableRandom(1)));
        assertThat(r.targetModel()).isEqualTo("food-review");
        assertThat(r.priority()).isZero();
        Resolved a = resolved(legacy.resolve("a", null, null, new SplittableRandom(1)));
        assertThat(a.targetModel()).isEqualTo("a");

        PoolModels other = Sets.other(set);
        assertThat(other.incomingModelNames()).containsExactly("food-review");
        assertThat(resolved(other.resolve("food-review", null, "premium", new SplittableRandom(1)))
                        .priority())
                .isEqualTo(10);
        assertThat(other.resolve("a", null, null, new SplittableRandom(1))).isInstanceOf(UnknownModel.class);
    }

    @Test
    void oldestInferenceModelWinsAModelName() {
        ManifestSet set = Sets.load(docs(
                model("young", "m", "Sheddable")
                        .replace("{name: young}", "{name: young, creationTimestamp: \"2025-06-01T00:00:00Z\"}"),
                model("old", "m", "Critical")
                        .replace("{name: old}", "{name: old, creationTimestamp: \"2025-01-01T00:00:00Z\"}")));
        Resolved r = resolved(Sets.legacy(set).resolve("m", null, null, new SplittableRandom(1)));
        assertThat(r.priority()).isEqualTo(1);
        assertThat(r.inferenceModel())
                .hasValueSatisfying(m -> assertThat(m.metadata().name()).isEqualTo("old"));
    }

    @Test
    void incomingModelNamesListsDeclaredNamesOnce() {
        PoolModels models = Sets.legacy(Sets.load(docs(model("b", "base", "Critical"), FOOD_REVIEW_90_10, """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: w}
                spec:
                  poolRef: {name: legacy, group: inference.networking.x-k8s.io}
                  rules:
                  - matches: [{model: {value: canary}}, {model: {value: base}}]
                    targets: [{modelRewrite: canary-v1, weight: 1}]
                  - targets: [{modelRewrite: everything, weight: 1}]
                """)));
        assertThat(models.incomingModelNames()).containsExactly("base", "food-review", "canary");
        assertThat(List.copyOf(models.incomingModelNames())).doesNotContain("food-review-1", "everything");
    }

    @Test
    void aClientObjectiveAboveTheModelsOwnPriorityIsRefusedUnlessTheSettingAllowsAny() {
        PoolModels models = Sets.legacy(Sets.load(docs(
                model("s", "shed", "Sheddable"),
                model("c", "crit", "Critical"),
                objective("premium", "{name: legacy, group: inference.networking.x-k8s.io}", 100),
                objective("batch", "{name: legacy, group: inference.networking.x-k8s.io}", -5))));
        RandomGenerator random = new SplittableRandom(1);

        // not-above-model: a Sheddable request cannot lift itself to 100; it may lower itself; unknown is refused
        Resolved lifted = resolved(models.resolve("shed", null, "premium", ClientObjectives.NOT_ABOVE_MODEL, random));
        assertThat(lifted.priority()).isEqualTo(Priorities.SHEDDABLE);
        assertThat(lifted.objective()).isEmpty();
        assertThat(lifted.objectiveRefused()).isTrue();
        Resolved lowered = resolved(models.resolve("crit", null, "batch", ClientObjectives.NOT_ABOVE_MODEL, random));
        assertThat(lowered.priority()).isEqualTo(-5);
        assertThat(lowered.objectiveRefused()).isFalse();
        assertThat(resolved(models.resolve("crit", null, "nope", ClientObjectives.NOT_ABOVE_MODEL, random))
                        .objectiveRefused())
                .isTrue();
        assertThat(models.allowsObjective("shed", "premium", ClientObjectives.NOT_ABOVE_MODEL))
                .isFalse();
        assertThat(models.allowsObjective("crit", "batch", ClientObjectives.NOT_ABOVE_MODEL))
                .isTrue();

        // never: even lowering is ignored
        Resolved never = resolved(models.resolve("crit", null, "batch", ClientObjectives.NEVER, random));
        assertThat(never.priority()).isEqualTo(Priorities.CRITICAL);
        assertThat(never.objectiveRefused()).isTrue();

        // any: the reference picker's behaviour, and what the four-argument resolve does
        assertThat(resolved(models.resolve("shed", null, "premium", ClientObjectives.ANY, random))
                        .priority())
                .isEqualTo(100);
        assertThat(resolved(models.resolve("shed", null, "premium", random)).priority())
                .isEqualTo(100);
        // no header: nothing to refuse
        assertThat(resolved(models.resolve("shed", null, null, ClientObjectives.NEVER, random))
                        .objectiveRefused())
                .isFalse();
    }

    @Test
    void thePoolsAnnotationOverridesTheCallersSetting() {
        ManifestSet set = Sets.load(docs(
                """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata:
                  name: open
                  annotations: {infergate.io/client-objectives: any}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}]
                """,
                """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata:
                  name: closed
                  annotations: {infergate.io/client-objectives: Never}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}]
                """,
                objective("premium", "{name: open}", 100),
                objective("premium-closed", "{name: closed}", -1)));
        RandomGenerator random = new SplittableRandom(1);
        PoolModels open = PoolModels.compile(set, Sets.pool(set, "inference.networking.k8s.io", "open"));
        PoolModels closed = PoolModels.compile(set, Sets.pool(set, "inference.networking.k8s.io", "closed"));
        assertThat(open.clientObjectives()).contains(ClientObjectives.ANY);
        assertThat(resolved(open.resolve("m", null, "premium", ClientObjectives.NEVER, random))
                        .priority())
                .isEqualTo(100);
        assertThat(closed.clientObjectives()).contains(ClientObjectives.NEVER);
        assertThat(resolved(closed.resolve("m", null, "premium-closed", ClientObjectives.ANY, random)))
                .satisfies(r -> {
                    assertThat(r.priority()).isZero();
                    assertThat(r.objectiveRefused()).isTrue();
                });
    }
}
