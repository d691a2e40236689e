package io.infergate.api;

import static io.infergate.api.Yaml.error;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.BbrConfigMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Body-Based Routing ConfigMaps: their data, clashes between them, and route matches they cannot satisfy. */
class BbrRulesTest {

    /** The example of GIE's guide (config/manifests/bbr/sim-deployment.yaml). */
    private static final String DEEPSEEK = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: deepseek-adapters
              labels:
                inference.networking.k8s.io/bbr-managed: "true"
            data:
              baseModel: deepseek/vllm-deepseek-r1
              adapters: |
                - ski-resorts
                - movie-critique
            """;

    /** A labelled ConfigMap {@code name} whose data section is {@code data} (indented by the caller). */
    private static String cm(String name, String data) {
        return """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  labels:
                    inference.networking.k8s.io/bbr-managed: "true"
                data:
                %s""".formatted(name, data);
    }

    private static List<Problem> problems(String yaml) {
        return Yaml.load(yaml).problems();
    }

    @Test
    void guideExampleAndSplitListsHaveNoProblems() {
        // the same base model over two ConfigMaps (BBR supports splitting long lists), an adapter listed in both,
        // a number as a name (GIE's own test data has "- 1"), and a ConfigMap with no adapters
        String yaml =
                DEEPSEEK + cm("deepseek-more", """
                  baseModel: " deepseek/vllm-deepseek-r1 "
                  adapters: |
                    - ski-resorts
                    - 1
                """) + cm("llama", "  baseModel: meta-llama/Llama-3.1-8B-Instruct\n");
        assertThat(problems(yaml)).isEmpty();
    }

    @Test
    void readingTrimsNamesAndKeepsListPositions() {
        var set = Yaml.load(DEEPSEEK + cm("b", """
                  baseModel: "  base  "
                  adapters: "[' a ', '', 7, true]"
                """)).manifests();
        List<BbrConfigMap> read = BbrConfigMap.all(set);
        assertThat(read).extracting(BbrConfigMap::baseModel).containsExactly("deepseek/vllm-deepseek-r1", "base");
        assertThat(read.get(1).adapters()).containsExactly("a", "", "7", "true");
        assertThat(read.get(1).adapterNames()).containsExactly("a", "7", "true");
    }

    @Test
    void baseModelRequired() {
        error(cm("no-base", """
                  adapters: |
                    - a
                """), 9, "ConfigMap/no-base", "data.baseModel", "missing (expected: the base model name");
    }

    @Test
    void baseModelNotBlank() {
        error(cm("blank", "  baseModel: \"  \"\n"), 9, "ConfigMap/blank", "data.baseModel", "is empty");
    }

    @Test
    void baseModelIsAHeaderValue() {
        error(
                cm("crlf", "  baseModel: \"a\\r\\nX-Injected: 1\"\n"),
                9,
                "ConfigMap/crlf",
                "data.baseModel",
                "contains a line break");
    }

    @Test
    void adaptersMustBeAList() {
        error(
                cm("scalar", """
                  baseModel: b
                  adapters: ski-resorts
                """),
                10,
                "ConfigMap/scalar",
                "data.adapters",
                "found a single name \"ski-resorts\" (expected: a YAML list of adapter names");
        error(cm("map", """
                  baseModel: b
                  adapters: |
                    ski-resorts: true
                """), 10, "ConfigMap/map", "data.adapters", "found a map (expected: a YAML list");
    }

    @Test
    void adaptersMustBeNames() {
        error(cm("nested", """
                  baseModel: b
                  adapters: |
                    - a
                    - [b, c]
                """), 10, "ConfigMap/nested", "data.adapters[1]", "found a list (expected: an adapter name");
    }

    @Test
    void adaptersMustBeYaml() {
        Problem p = error(cm("broken", """
                  baseModel: b
                  adapters: |
                    - a
                    - [b
                """), 10, "ConfigMap/broken", "data.adapters", "is not valid YAML: ");
        assertThat(p.message()).contains("of the value");
    }

    @Test
    void blankOrNullAdaptersMeanNone() {
        assertThat(problems(cm("blank", "  baseModel: b\n  adapters: \"\"\n"))).isEmpty();
        assertThat(problems(cm("nil", "  baseModel: b\n  adapters: \"~\"\n"))).isEmpty();
    }

    @Test
    void emptyEntryIsSkippedWithAWarning() {
        Yaml.single(
                cm("holes", """
                  baseModel: b
                  adapters: |
                    - a
                    -
                    - c
                """),
                Severity.WARNING,
                10,
                "ConfigMap/holes",
                "data.adapters[1]",
                "empty adapter name; skipped, as Body-Based Routing does");
    }

    @Test
    void adapterOfTwoBaseModelsIsAnErrorNamingBothConfigMaps() {
        Problem p = error(
                DEEPSEEK + cm("other", """
                  baseModel: other/base
                  adapters: |
                    - movie-critique
                """),
                21,
                "ConfigMap/other",
                "data.adapters[0]",
                "model \"movie-critique\" is mapped to base model \"other/base\" here and to base model"
                        + " \"deepseek/vllm-deepseek-r1\" by ConfigMap default/deepseek-adapters (test.yaml:9:");
        assertThat(p.message()).contains("data.adapters");
    }

    @Test
    void clashesSpanNamespacesAndBaseModels() {
        // BBR keeps one map for every namespace; a base model listed as another base model's adapter clashes too
        String other = cm("other", """
                  baseModel: other/base
                  adapters: |
                    - deepseek/vllm-deepseek-r1
                """).replace("  name: other\n", "  name: other\n  namespace: team-b\n");
        error(DEEPSEEK + other, 22, "ConfigMap/other", "data.adapters[0]", "by ConfigMap default/deepseek-adapters");
    }

    @Test
    void theOlderConfigMapKeepsTheName() {
        // the newer one gets the error, whatever the document order
        String older = cm("older", """
                  baseModel: a
                  adapters: "[x]"
                """)
                .replace("  name: older\n", "  name: older\n  creationTimestamp: \"2025-01-01T00:00:00Z\"\n");
        String newer = cm("newer", """
                  baseModel: b
                  adapters: "[x]"
                """)
                .replace("  name: newer\n", "  name: newer\n  creationTimestamp: \"2025-06-01T00:00:00Z\"\n");
        error(newer + older, 11, "ConfigMap/newer", "data.adapters[0]", "by ConfigMap default/older");
    }

    @Test
    void unlabelledLookalikeIsIgnoredWithAWarning() {
        String unlabelled = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: forgot
                data:
                  baseModel: b
                """;
        Yaml.single(
                unlabelled,
                Severity.WARNING,
                4,
                "ConfigMap/forgot",
                "metadata.labels",
                "has no label inference.networking.k8s.io/bbr-managed, so Body-Based Routing ignores it");
        Yaml.single(
                DEEPSEEK.replace("\"true\"", "\"True\""),
                Severity.WARNING,
                6,
                "ConfigMap/deepseek-adapters",
                "metadata.labels.inference.networking.k8s.io/bbr-managed",
                "has inference.networking.k8s.io/bbr-managed:" + " \"True\", so Body-Based Routing ignores it");
        // not a BBR ConfigMap at all: nothing to say
        assertThat(problems(unlabelled.replace("baseModel", "config.yaml"))).isEmpty();
    }

    @Test
    void routeMatchOnAnUndeclaredBaseModelNeverApplies() {
        String route = """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - matches:
                        - headers:
                            - {type: Exact, name: X-Gateway-Base-Model-Name, value: deepseek/vllm-deepseek-r1}
                        - headers:
                            - {type: Exact, name: x-gateway-base-model-name, value: ski-resorts}
                      backendRefs: [{name: svc, port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: svc}
                spec:
                  ports: [{port: 80}]
                """;
        Yaml.single(
                DEEPSEEK + route,
                Severity.WARNING,
                30,
                "HTTPRoute/r",
                "spec.rules[0].matches[1].headers[0].value",
                "no bbr-managed ConfigMap declares baseModel \"ski-resorts\", so X-Gateway-Base-Model-Name never has"
                        + " this value and the match never applies; \"ski-resorts\" is an adapter of base model"
                        + " \"deepseek/vllm-deepseek-r1\", match that instead");
        // without any bbr-managed ConfigMap the header is the incoming name, so any value can match
        assertThat(problems(route.substring("---\n".length()))).isEmpty();
    }
}
