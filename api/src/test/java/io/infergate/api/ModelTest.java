package io.infergate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.load.LoadResult;
import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.BackendRef;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.PoolEndpoint;
import io.infergate.api.model.Resource;
import java.util.OptionalInt;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** Defaults applied by the loader, v1/v1alpha2 normalization, and endpoints from Pods and EndpointSlices. */
class ModelTest {

    private static final String V1 = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata:
              name: pool
            spec:
              selector:
                matchLabels:
                  app: vllm
              targetPorts:
                - number: 8000
              endpointPickerRef:
                name: epp
                port:
                  number: 9002
            """;
    private static final String V1ALPHA2 = """
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferencePool
            metadata:
              name: pool
            spec:
              selector:
                app: vllm
              targetPortNumber: 8000
              extensionRef:
                name: epp
            """;

    @Test
    void poolDefaults() {
        InferencePool p = Yaml.load(V1).manifests().inferencePools().get(0);
        assertThat(p.metadata().namespace()).isEqualTo("default");
        assertThat(p.appProtocol()).isEqualTo(InferencePool.AppProtocol.HTTP);
        InferencePool.EndpointPickerRef e = p.endpointPicker().orElseThrow();
        assertThat(e.group()).isEmpty();
        assertThat(e.kind()).isEqualTo("Service");
        assertThat(e.failureMode()).isEqualTo(InferencePool.FailureMode.FAIL_CLOSE);
        assertThat(e.port()).isEqualTo(OptionalInt.of(9002));
    }

    @Test
    void v1alpha2AndV1NormalizeToTheSameModel() {
        InferencePool v1 = Yaml.load(V1).manifests().inferencePools().get(0);
        InferencePool legacy = Yaml.load(V1ALPHA2).manifests().inferencePools().get(0);
        assertThat(legacy.apiVersion()).isEqualTo(ApiGroups.INFERENCE_X_V1ALPHA2);
        assertThat(legacy.isLegacy()).isTrue();
        assertThat(v1.isLegacy()).isFalse();
        // everything but the version and where it was written is equal (9002 is the v1alpha2 default port)
        assertThat(new InferencePool(
                        v1.metadata(),
                        legacy.origin(),
                        legacy.apiVersion(),
                        v1.selector(),
                        v1.targetPorts(),
                        v1.appProtocol(),
                        v1.endpointPicker()))
                .isEqualTo(legacy);
    }

    @Test
    void v1PoolWithoutEndpointPickerIsValid() {
        // endpointPickerRef is optional since v1.6.0: the in-process picker serves the pool
        LoadResult r = Yaml.load(V1.substring(0, V1.indexOf("  endpointPickerRef")));
        assertThat(r.problems()).isEmpty();
        assertThat(r.manifests().inferencePools().get(0).endpointPicker()).isEmpty();
    }

    @Test
    void httpRouteDefaults() {
        LoadResult r = Yaml.load("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  namespace: team
                spec:
                  rules:
                    - backendRefs:
                        - name: svc
                          port: 80
                    - matches:
                        - headers:
                            - name: X-Gateway-Model-Name
                              value: chatbot
                      backendRefs:
                        - kind: InferencePool
                          group: inference.networking.k8s.io
                          name: pool
                          port: 1234
                """);
        HttpRoute route = r.manifests().httpRoutes().get(0);
        HttpRoute.Rule first = route.rules().get(0);
        assertThat(first.matches()).containsExactly(HttpRoute.Match.ANY);
        assertThat(first.backendRefs().get(0).ref())
                .isEqualTo(new BackendRef("", "Service", "team", "svc", OptionalInt.of(80), 1));
        HttpRoute.Match m = route.rules().get(1).matches().get(0);
        assertThat(m.path()).isEqualTo(HttpRoute.PathMatch.ROOT);
        assertThat(m.headers())
                .containsExactly(
                        new HttpRoute.ValueMatch(HttpRoute.MatchType.EXACT, "X-Gateway-Model-Name", "chatbot"));
        BackendRef pool = route.rules().get(1).backendRefs().get(0).ref();
        assertThat(pool.isInferencePool()).isTrue();
        assertThat(pool.weight()).isEqualTo(1);
    }

    @Test
    void routeWithoutRulesGetsTheCrdDefaultRule() {
        HttpRoute route = Yaml.load("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                spec: {}
                """).manifests().httpRoutes().get(0);
        assertThat(route.rules())
                .singleElement()
                .satisfies(rule -> assertThat(rule.matches()).containsExactly(HttpRoute.Match.ANY));
    }

    @Test
    void poolRefGroupDefaultsDependOnTheKind() {
        ManifestSet set = Yaml.load("""
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: m}
                spec: {modelName: x, poolRef: {name: p}}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata: {name: o}
                spec: {poolRef: {name: p}}
                """).manifests();
        assertThat(set.inferenceModels().get(0).poolRef().group()).isEqualTo(ApiGroups.INFERENCE_X);
        assertThat(set.inferenceModels().get(0).criticality()).isEmpty();
        assertThat(set.inferenceObjectives().get(0).poolRef().group()).isEqualTo(ApiGroups.INFERENCE);
        assertThat(set.inferenceObjectives().get(0).effectivePriority()).isZero();
    }

    @Test
    void endpointsArePodsTimesTargetPorts() {
        ManifestSet set = Yaml.load(
                        V1.replace("    - number: 8000\n", "    - number: 8000\n    - number: 8001\n") + """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a, labels: {app: vllm}}
                status: {podIP: 10.0.0.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: b, labels: {app: vllm}}
                status:
                  podIP: 10.0.0.2
                  conditions:
                    - type: Ready
                      status: "False"
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: c, labels: {app: other}}
                status: {podIP: 10.0.0.3}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: s, labels: {app: vllm}}
                addressType: IPv4
                endpoints:
                  - addresses: [10.0.0.9]
                ports:
                  - port: 1
                """)
                .manifests();
        assertThat(set.endpoints(set.inferencePools().get(0)))
                .extracting(PoolEndpoint::name, PoolEndpoint::hostPort)
                .containsExactly(
                        Tuple.tuple("a-rank-0", "10.0.0.1:8000"),
                        Tuple.tuple("a-rank-1", "10.0.0.1:8001"),
                        Tuple.tuple("s-10.0.0.9-rank-0", "10.0.0.9:8000"),
                        Tuple.tuple("s-10.0.0.9-rank-1", "10.0.0.9:8001"));
    }

    @Test
    void activePortsAnnotationNarrowsAPodsRanks() {
        ManifestSet set = Yaml.load(V1.replace(
                                "    - number: 8000\n",
                                "    - number: 8000\n    - number: 8001\n" + "    - number: 8002\n")
                        + """
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: a
                  labels: {app: vllm}
                  annotations: {inference.networking.k8s.io/active-ports: "8000, 8002"}
                status: {podIP: 10.0.0.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: b
                  labels: {app: vllm}
                  annotations: {inference.networking.k8s.io/active-ports: "none"}
                status: {podIP: 10.0.0.2}
                """)
                .manifests();
        assertThat(set.endpoints(set.inferencePools().get(0)))
                .extracting(PoolEndpoint::name, PoolEndpoint::hostPort)
                .containsExactly(
                        Tuple.tuple("a-rank-0", "10.0.0.1:8000"),
                        Tuple.tuple("a-rank-2", "10.0.0.1:8002"),
                        Tuple.tuple("b-rank-0", "10.0.0.2:8000"),
                        Tuple.tuple("b-rank-1", "10.0.0.2:8001"),
                        Tuple.tuple("b-rank-2", "10.0.0.2:8002"));
    }

    @Test
    void podWithoutAnIpIsAWarning() {
        Yaml.single(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: [{name: x}]\n",
                Severity.WARNING,
                1,
                "Pod/a",
                "status.podIP",
                "no status.podIP");
    }

    @Test
    void oldestFirstUsesTimestampsThenDocumentOrder() {
        ObjectMeta m = ObjectMeta.of("x");
        assertThat(m.namespace()).isEqualTo(ObjectMeta.DEFAULT_NAMESPACE);
        ManifestSet set = Yaml.load("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: b, creationTimestamp: "2025-02-01T00:00:00Z"}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c, creationTimestamp: "2025-01-01T00:00:00Z"}
                """).manifests();
        assertThat(set.all().stream()
                        .sorted(Resource.OLDEST_FIRST)
                        .map(r -> r.metadata().name()))
                .containsExactly("c", "b", "a");
    }
}
