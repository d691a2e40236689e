package io.infergate.api;

import static io.infergate.api.Yaml.error;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.api.load.LoadResult;
import io.infergate.api.load.ManifestLoader;
import io.infergate.api.load.YamlNesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structural checks of the loader: kinds, strict fields, types, YAML errors, JSON, files. */
class LoaderTest {

    private static final String POOL = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata:
              name: p
            spec:
              selector:
                matchLabels:
                  app: m
              targetPorts:
                - number: 8000
            """;

    @Test
    void unknownKindIsAnErrorListingTheKnownKinds() {
        Problem p = error(
                """
                apiVersion: v1
                kind: Deployment
                metadata:
                  name: d
                """,
                2,
                "",
                "kind",
                "unknown kind Deployment (expected one of: ConfigMap, EndpointPickerConfig,"
                        + " EndpointSlice, Gateway,");
        assertThat(p.message()).contains("InferencePool", "TCPRoute");
    }

    @Test
    void knownKindInAnUnknownVersionNamesTheServedVersions() {
        error(
                POOL.replace("inference.networking.k8s.io/v1", "inference.networking.k8s.io/v2"),
                1,
                "",
                "apiVersion",
                "kind InferencePool is not known in apiVersion inference.networking.k8s.io/v2 (expected:"
                        + " inference.networking.k8s.io/v1 or inference.networking.x-k8s.io/v1alpha2)");
    }

    @Test
    void unknownFieldIsNamedWithTheAcceptedOnes() {
        error(
                POOL + "  targetPortz: 1\n",
                11,
                "InferencePool/p",
                "spec.targetPortz",
                "unknown field \"targetPortz\" (accepted: selector, targetPorts, appProtocol, endpointPickerRef)");
    }

    @Test
    void wrongTypeSaysWhatWasFoundAndExpected() {
        error(
                POOL.replace("- number: 8000", "- number: \"8000\""),
                10,
                "InferencePool/p",
                "spec.targetPorts[0].number",
                "found string \"8000\" (expected: an integer)");
        error(
                POOL.replace("app: m", "app: 1"),
                8,
                "InferencePool/p",
                "spec.selector.matchLabels.app",
                "found integer 1 (expected: a string; quote it)");
    }

    @Test
    void missingRequiredFieldIsReportedAtItsParent() {
        error(
                POOL.replace("  name: p\n", "  labels: {}\n"),
                4,
                "InferencePool/",
                "metadata.name",
                "required field is missing");
    }

    @Test
    void badEnumValueListsTheAllowedValues() {
        error(
                POOL + "  appProtocol: http2\n",
                11,
                "InferencePool/p",
                "spec.appProtocol",
                "unsupported value \"http2\" (expected one of: http, kubernetes.io/h2c)");
    }

    @Test
    void duplicateKeyIsAnError() {
        error(
                POOL.replace("  name: p\n", "  name: p\n  name: q\n"),
                5,
                "InferencePool/p",
                "metadata.name",
                "duplicate field \"name\"");
    }

    @Test
    void syntaxErrorKeepsEarlierDocumentsAndNamesThePosition() {
        LoadResult r = ManifestLoader.load("x.yaml", POOL + "---\napiVersion: v1\nkind: [\n");
        assertThat(r.manifests().inferencePools()).hasSize(1);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("YAML syntax error:");
            assertThat(p.location().line()).isEqualTo(14);
        });
    }

    @Test
    void jsonLoadsToo() {
        LoadResult r = Manifests.load("p.json", """
                {"apiVersion": "inference.networking.k8s.io/v1", "kind": "InferencePool",
                 "metadata": {"name": "p"},
                 "spec": {"selector": {"matchLabels": {"app": "m"}}, "targetPorts": [{"number": 8000}]}}
                """);
        assertThat(r.problems()).isEmpty();
        assertThat(r.manifests().inferencePools().get(0).targetPorts()).containsExactly(8000);
    }

    @Test
    void statusAndKubectlBookkeepingAreAcceptedAndIgnored() {
        LoadResult r = Yaml.load(POOL.replace("  name: p\n", "  name: p\n  uid: abc\n  resourceVersion: \"7\"\n")
                + "status:\n  parents: []\n");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void emptyDocumentsAreSkipped() {
        assertThat(Yaml.load("---\n" + POOL + "---\n").manifests().all()).hasSize(1);
    }

    @Test
    void missingFileIsAProblemNotAnException(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, POOL);
        LoadResult r = ManifestLoader.load(List.of(dir.resolve("nope.yaml"), good));
        assertThat(r.manifests().all()).hasSize(1);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("cannot read file: no such file");
            assertThat(p.location().file()).endsWith("nope.yaml");
        });
    }

    @Test
    void documentOrderAcrossFilesIsTheSequence(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.yaml");
        Path b = dir.resolve("b.yaml");
        Files.writeString(a, POOL + "---\n" + POOL.replace("name: p", "name: q"));
        Files.writeString(b, POOL.replace("name: p", "name: r"));
        LoadResult r = ManifestLoader.load(List.of(b, a));
        assertThat(r.manifests().all())
                .extracting(x -> x.metadata().name() + "@" + x.origin().sequence())
                .containsExactly("r@0", "p@1", "q@2");
        assertThat(r.manifests().all().get(2).origin().location().line()).isEqualTo(12);
    }

    @Test
    void unsupportedFilterTypeIsRejectedClearly() {
        LoadResult r = Yaml.load("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                spec:
                  rules:
                    - filters:
                        - type: RequestRedirect
                          requestRedirect:
                            scheme: https
                """);
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.location().line()).isEqualTo(8);
            assertThat(p.field()).isEqualTo("spec.rules[0].filters[0].type");
            assertThat(p.message())
                    .isEqualTo("filter type RequestRedirect is not supported by Infergate (supported:"
                            + " RequestHeaderModifier, ResponseHeaderModifier)");
        });
        // a route with no parentRefs is legal but serves nothing: a warning says so
        assertThat(r.warnings()).singleElement().extracting(Problem::field).isEqualTo("spec.parentRefs");
    }

    @Test
    void anUnsupportedBackendLevelFilterNamesTheRouteTheBackendRefAndTheFilter() {
        LoadResult r = Yaml.load("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                spec:
                  rules:
                    - backendRefs:
                        - name: svc
                          port: 80
                          filters:
                            - type: RequestHeaderModifier
                              requestHeaderModifier:
                                set: [{name: x-a, value: "1"}]
                            - type: RequestMirror
                              requestMirror:
                                backendRef: {name: other, port: 80}
                """);
        // (the undeclared Service is reported too: this set has none)
        assertThat(r.errors())
                .filteredOn(p -> p.field().contains("filters"))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.location().line()).isEqualTo(14);
                    assertThat(p.object()).contains("HTTPRoute").contains("r");
                    assertThat(p.field()).isEqualTo("spec.rules[0].backendRefs[0].filters[1].type");
                    assertThat(p.message()).startsWith("filter type RequestMirror is not supported by Infergate");
                });
    }

    /** SnakeYAML Engine's composer recurses per level: before YamlNesting this was a StackOverflowError. */
    @Test
    void deepNestingIsAProblemAtItsLineNotAStackOverflow() {
        String deep = POOL + "---\nx: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";
        LoadResult r = Manifests.load("deep.yaml", deep);
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.location().line()).isEqualTo(12); // the "x: [[[" line after the Pool and "---"
            assertThat(p.message()).contains("nested more than " + YamlNesting.MAX_DEPTH + " levels deep");
        });
        // the depth is checked before any document is composed: nothing of the file is loaded
        assertThat(r.manifests().all()).isEmpty();

        EndpointPickerConfigResult epc =
                EndpointPickerConfigLoader.load("epc.yaml", "plugins: " + "{a: ".repeat(20_000) + "}".repeat(20_000));
        assertThat(epc.problems()).anySatisfy(p -> assertThat(p.message()).contains("levels deep"));
    }
}
