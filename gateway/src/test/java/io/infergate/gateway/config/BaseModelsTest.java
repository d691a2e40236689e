package io.infergate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.model.ManifestSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code X-Gateway-Base-Model-Name} mapping, as Body-Based Routing computes it from its ConfigMaps. */
class BaseModelsTest {

    private static String cm(String name, String extraMetadata, String data) {
        return """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  labels: {inference.networking.k8s.io/bbr-managed: "true"}
                %sdata:
                %s""".formatted(name, extraMetadata, data);
    }

    private static ManifestSet load(String yaml) {
        return Manifests.load("test.yaml", yaml).manifests();
    }

    private static BaseModels compile(String yaml) {
        return BaseModels.compile(load(yaml));
    }

    @Test
    void adaptersAndTheBaseModelMapToTheBaseModel() {
        BaseModels m = compile(cm("deepseek", "", """
                  baseModel: deepseek/vllm-deepseek-r1
                  adapters: |
                    - ski-resorts
                    - movie-critique
                """)
                + cm("qwen", "", "  baseModel: Qwen/Qwen3-32B\n  adapters: \"[food-review-1]\"\n"));
        assertThat(m.declared()).isTrue();
        assertThat(m.baseModelOf("ski-resorts")).isEqualTo("deepseek/vllm-deepseek-r1");
        assertThat(m.baseModelOf("movie-critique")).isEqualTo("deepseek/vllm-deepseek-r1");
        assertThat(m.baseModelOf("deepseek/vllm-deepseek-r1")).isEqualTo("deepseek/vllm-deepseek-r1");
        assertThat(m.baseModelOf("food-review-1")).isEqualTo("Qwen/Qwen3-32B");
        assertThat(m.baseModelOf("Qwen/Qwen3-32B")).isEqualTo("Qwen/Qwen3-32B");
        assertThat(m.mappings()).hasSize(5);
    }

    @Test
    void aModelNoConfigMapNamesGetsTheEmptyValueAsInBbr() {
        BaseModels m = compile(cm("deepseek", "", "  baseModel: deepseek/vllm-deepseek-r1\n"));
        assertThat(m.baseModelOf("gpt-4o")).isEmpty();
        assertThat(m.baseModelOf("Deepseek/vllm-deepseek-r1"))
                .as("names are case-sensitive")
                .isEmpty();
    }

    @Test
    void withoutConfigMapsEveryModelIsItsOwnBaseModel() {
        BaseModels m = compile("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: plugins-config}
                data: {config.yaml: "plugins: []"}
                """);
        assertThat(m.declared()).isFalse();
        assertThat(m.baseModelOf("food-review")).isEqualTo("food-review");
        assertThat(BaseModels.compile(ManifestSet.empty())).isSameAs(BaseModels.identity());
    }

    @Test
    void onlyTheLabelValueTrueCounts() {
        String yaml = cm("deepseek", "", "  baseModel: b\n  adapters: \"[a]\"\n");
        assertThat(compile(yaml.replace("\"true\"", "\"True\"")).declared()).isFalse();
        assertThat(compile(yaml.replace("  labels: {inference.networking.k8s.io/bbr-managed: \"true\"}\n", ""))
                        .declared())
                .isFalse();
        assertThat(compile(yaml).baseModelOf("a")).isEqualTo("b");
    }

    @Test
    void namesAreTrimmedOnBothSides() {
        BaseModels m = compile(cm("padded", "", "  baseModel: \" base \"\n  adapters: \"[' lora ', '', 7]\"\n"));
        assertThat(m.mappings())
                .containsOnly(Map.entry("base", "base"), Map.entry("lora", "base"), Map.entry("7", "base"));
        // BBR trims the body's model before the lookup
        assertThat(m.baseModelOf(" lora\t")).isEqualTo("base");
    }

    @Test
    void configMapsAcrossNamespacesShareOneMapping() {
        BaseModels m = compile(cm("a", "  namespace: team-a\n", "  baseModel: x\n  adapters: \"[ax]\"\n")
                + cm("b", "  namespace: team-b\n", "  baseModel: y\n  adapters: \"[by]\"\n"));
        assertThat(m.baseModelOf("ax")).isEqualTo("x");
        assertThat(m.baseModelOf("by")).isEqualTo("y");
    }

    @Test
    void aConfigMapBbrWouldRefuseStillDeclaresButMapsNothing() {
        // not servable (the validator reports the missing baseModel), but compiling it must not throw
        BaseModels m = compile(cm("broken", "", "  adapters: \"[a]\"\n"));
        assertThat(m.declared()).isTrue();
        assertThat(m.baseModelOf("a")).isEmpty();
    }

    @Test
    void anUnvalidatedClashIsDecidedByTheOlderConfigMap() {
        // the validator rejects this set; the mapping is still deterministic: oldest first, not document order
        String newer = cm(
                "newer",
                "  creationTimestamp: \"2025-06-01T00:00:00Z\"\n",
                "  baseModel: y\n  adapters: \"[shared]\"\n");
        String older = cm(
                "older",
                "  creationTimestamp: \"2025-01-01T00:00:00Z\"\n",
                "  baseModel: x\n  adapters: \"[shared]\"\n");
        assertThat(compile(newer + older).baseModelOf("shared")).isEqualTo("x");
        assertThat(compile(older + newer).baseModelOf("shared")).isEqualTo("x");
    }

    @Test
    void theCompiledConfigCarriesTheMapping() {
        GatewayConfig config = GatewayConfig.compile(load(cm("d", "", "  baseModel: b\n  adapters: \"[a]\"\n")));
        assertThat(config.baseModels().baseModelOf("a")).isEqualTo("b");
        assertThat(GatewayConfig.compile(ManifestSet.empty()).baseModels().declared())
                .isFalse();
    }
}
