package io.infergate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.load.LoadResult;
import io.infergate.api.model.InferenceModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The Inference Extension's example manifests (copied verbatim; sources in
 * {@code src/test/resources/manifests/README.md}) load unchanged. Alone, each
 * reports only references to objects declared elsewhere; with small companion files declaring those, nothing.
 */
class FixturesTest {

    private static final Path DIR = Path.of("src/test/resources/manifests");

    private static LoadResult load(String... names) {
        return Manifests.load(Arrays.stream(names).map(DIR::resolve).toList());
    }

    private static List<String> formatted(LoadResult r) {
        return r.problems().stream().map(Problem::format).toList();
    }

    private static String f(String name) {
        return DIR.resolve(name).toString();
    }

    @Test
    void exampleA_aloneMissesOnlyItsPickerService() {
        LoadResult r = load("gie-example-a.yaml");
        assertThat(r.manifests().inferencePools()).hasSize(1);
        assertThat(formatted(r))
                .containsExactly(f("gie-example-a.yaml") + ":12:11: warning: InferencePool/vllm-qwen3-32b:"
                        + " spec.endpointPickerRef.name: Service default/vllm-qwen3-32b-epp is not declared; the in-process"
                        + " endpoint picker serves this pool (declare the Service to use an external EPP)");
        assertThat(r.hasErrors()).isFalse();
    }

    @Test
    void exampleC_aloneMissesTwoPickerServices() {
        LoadResult r = load("gie-example-c.yaml");
        assertThat(r.manifests().inferencePools()).hasSize(3);
        assertThat(r.manifests().services()).hasSize(1);
        assertThat(r.problems())
                .extracting(p -> p.location().line(), Problem::object, Problem::severity)
                .containsExactly(
                        Tuple.tuple(47, "InferencePool/secondary-inference-pool", Severity.WARNING),
                        Tuple.tuple(66, "InferencePool/appprotocol-h2c-inference-pool", Severity.WARNING));
        assertThat(r.problems()).allMatch(p -> p.message().contains("is not declared"));
    }

    @Test
    void exampleF_aloneMissesItsPickerService() {
        LoadResult r = load("gie-example-f.yaml");
        assertThat(r.manifests().all()).hasSize(5);
        assertThat(r.manifests().configMaps().get(0).data()).containsKeys("default-plugins.yaml", "plugins-v2.yaml");
        assertThat(formatted(r))
                .containsExactly(f("gie-example-f.yaml") + ":10:11: warning:"
                        + " InferencePool/vllm-llama3-8b-instruct: spec.extensionRef.name: Service"
                        + " default/vllm-llama3-8b-instruct-epp is not declared; the in-process endpoint picker serves this"
                        + " pool (declare the Service to use an external EPP)");
    }

    @Test
    void exampleG_aloneMissesItsPool() {
        LoadResult r = load("gie-example-g.yaml");
        assertThat(formatted(r))
                .containsExactly(f("gie-example-g.yaml") + ":9:11: error: InferenceModel/food-review:"
                        + " spec.poolRef.name: InferencePool default/vllm-llama3-8b-instruct of group"
                        + " inference.networking.x-k8s.io (the default for InferenceModel) is not declared");
    }

    @Test
    void exampleH_aloneMissesItsPoolThreeTimes() {
        LoadResult r = load("gie-example-h.yaml");
        assertThat(r.problems()).extracting(p -> p.location().line()).containsExactly(9, 19, 29);
        assertThat(r.problems()).allSatisfy(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.field()).isEqualTo("spec.poolRef.name");
            assertThat(p.message())
                    .isEqualTo("InferencePool default/vllm-qwen3-32b of group"
                            + " inference.networking.k8s.io is not declared");
        });
    }

    @Test
    void exampleI_aloneMissesItsPool() {
        LoadResult r = load("gie-example-i.yaml");
        assertThat(formatted(r))
                .containsExactly(f("gie-example-i.yaml") + ":8:11: error:"
                        + " InferenceModelRewrite/small-segment-lora-canary: spec.poolRef.name: InferencePool"
                        + " default/vllm-qwen3-32b of group inference.networking.k8s.io is not declared");
    }

    @Test
    void withCompanionsNothingIsReported() {
        assertThat(formatted(
                        load("gie-example-a.yaml", "companion-a.yaml", "gie-example-h.yaml", "gie-example-i.yaml")))
                .isEmpty();
        assertThat(formatted(load("gie-example-c.yaml", "companion-c.yaml"))).isEmpty();
        assertThat(formatted(load("gie-example-f.yaml", "companion-f.yaml"))).isEmpty();
        assertThat(formatted(load("gie-example-g.yaml", "companion-g.yaml"))).isEmpty();
    }

    @Test
    void examplesFAndGTogetherDeclareFoodReviewTwice() {
        // both files declare InferenceModel default/food-review: a real mistake, reported on the second
        LoadResult r = load("gie-example-f.yaml", "companion-f.yaml", "gie-example-g.yaml");
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.location().file()).isEqualTo(f("gie-example-g.yaml"));
            assertThat(p.location().line()).isEqualTo(4);
            assertThat(p.message())
                    .startsWith("InferenceModel default/food-review is declared twice (first at "
                            + f("gie-example-f.yaml") + ":");
        });
    }

    @Test
    void exampleContentsAreModelledExactly() {
        LoadResult r = load("gie-example-g.yaml", "companion-g.yaml");
        var model = r.manifests().inferenceModels().get(0);
        assertThat(model.modelName()).isEqualTo("food-review");
        assertThat(model.effectiveCriticality()).isEqualTo(InferenceModel.Criticality.STANDARD);
        assertThat(model.targetModels())
                .extracting(t -> t.name(), t -> t.weight().getAsInt())
                .containsExactly(Tuple.tuple("food-review-1", 90), Tuple.tuple("food-review-2", 10));
        var rewrite =
                load("gie-example-i.yaml").manifests().inferenceModelRewrites().get(0);
        assertThat(rewrite.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.matches()).containsExactly("small-segment-lora");
            assertThat(rule.targets())
                    .extracting(t -> t.modelRewrite() + "=" + t.weight())
                    .containsExactly("small-segment-lora-v1=90", "small-segment-lora-v2=10");
        });
        var objectives = load("gie-example-h.yaml").manifests().inferenceObjectives();
        assertThat(objectives)
                .extracting(o -> o.metadata().name() + "=" + o.effectivePriority())
                .containsExactly("small-segment-lora=1", "base-model=2", "base-model-cpu=2");
    }
}
