package io.infergate.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.BbrConfigMap;
import io.infergate.api.model.Pod;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceTextTest {

    private final KubernetesSerialization json = new KubernetesSerialization();

    private GenericKubernetesResource parse(String yaml) {
        return json.unmarshal(yaml, GenericKubernetesResource.class);
    }

    @Test
    void aPodKeepsWhatTheLoaderReadsAndLosesTheRest() {
        GenericKubernetesResource pod = parse("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: vllm-0
                  namespace: ml
                  uid: 1234
                  resourceVersion: "77"
                  creationTimestamp: "2026-01-01T00:00:00Z"
                  labels: {app: vllm}
                  annotations: {inference.networking.k8s.io/active-ports: "8000"}
                  managedFields: [{manager: kubelet, operation: Update}]
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: vllm-abc, uid: x}]
                spec: {containers: [{name: vllm, image: vllm}], nodeName: n1}
                status:
                  phase: Running
                  podIP: 10.1.2.3
                  somethingNew: {fromAFutureRelease: true}
                  conditions:
                    - {type: Ready, status: "True", lastTransitionTime: "2026-01-01T00:00:00Z", newField: 1}
                """);
        String text = ResourceText.of(pod, WatchScope.forServe(Optional.empty()), json)
                .orElseThrow();
        assertThat(text)
                .doesNotContain(
                        "managedFields", "somethingNew", "resourceVersion", "ownerReferences", "nodeName", "newField");
        LoadResult r = Manifests.load("cluster:Pod/ml/vllm-0", text);
        assertThat(r.problems()).isEmpty();
        Pod p = r.manifests().pods().get(0);
        assertThat(p.isReady()).isTrue();
        assertThat(p.podIp()).contains("10.1.2.3");
        assertThat(p.metadata().annotations()).containsEntry("inference.networking.k8s.io/active-ports", "8000");
        assertThat(p.metadata().creationTimestamp()).isPresent();
    }

    @Test
    void clusterShapedEndpointSlicesServicesAndConfigMapsLoadCleanly() {
        String slice = """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: vllm-abcde
                  namespace: ml
                  generateName: vllm-
                  labels: {kubernetes.io/service-name: vllm, endpointslice.kubernetes.io/managed-by: x}
                  ownerReferences: [{apiVersion: v1, kind: Service, name: vllm, uid: u}]
                addressType: IPv4
                endpoints:
                  - addresses: [10.0.0.5]
                    conditions: {ready: true, serving: true, terminating: false}
                    nodeName: n1
                    zone: z1
                    targetRef: {kind: Pod, name: vllm-0, namespace: ml, uid: u2}
                ports: [{name: http, port: 8000, protocol: TCP}]
                """;
        String service = """
                apiVersion: v1
                kind: Service
                metadata: {name: vllm, namespace: ml}
                spec:
                  clusterIP: 10.96.0.10
                  clusterIPs: [10.96.0.10]
                  ipFamilies: [IPv4]
                  ipFamilyPolicy: SingleStack
                  internalTrafficPolicy: Cluster
                  ports: [{name: http, port: 8000, protocol: TCP, targetPort: 8000}]
                  selector: {app: vllm}
                  sessionAffinity: None
                  type: ClusterIP
                status: {loadBalancer: {}}
                """;
        String configMap = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: llama-adapters
                  namespace: ml
                  labels: {inference.networking.k8s.io/bbr-managed: "true"}
                data:
                  baseModel: meta-llama/Llama-3.1-8B-Instruct
                  adapters: |
                    - food-review-1
                    - "food-review-2"
                """;
        StringBuilder all = new StringBuilder();
        for (String doc : new String[] {slice, service, configMap}) {
            all.append(ResourceText.of(parse(doc), WatchScope.forServe(Optional.empty()), json)
                            .orElseThrow())
                    .append("\n");
        }
        LoadResult r = Manifests.load("cluster", all.toString());
        assertThat(r.problems()).isEmpty();
        assertThat(r.manifests().endpointSlices().get(0).endpoints().get(0).isReady())
                .isTrue();
        assertThat(BbrConfigMap.all(r.manifests()))
                .singleElement()
                .satisfies(b -> assertThat(b.adapterNames()).containsExactly("food-review-1", "food-review-2"));
    }

    @Test
    void terminatingPodsAndForeignGatewaysAreLeftOut() {
        GenericKubernetesResource pod = parse("""
                apiVersion: v1
                kind: Pod
                metadata: {name: vllm-0, namespace: ml, deletionTimestamp: "2026-01-01T00:00:00Z"}
                status: {podIP: 10.1.2.3}
                """);
        assertThat(ResourceText.of(pod, WatchScope.forServe(Optional.empty()), json))
                .isEmpty();
        GenericKubernetesResource gw = parse(ClusterWatchTest.gateway("theirs", "istio"));
        assertThat(ResourceText.of(gw, WatchScope.forServe(Optional.empty(), Set.of("infergate"), false), json))
                .isEmpty();
        assertThat(ResourceText.of(gw, WatchScope.forServe(Optional.empty()), json))
                .isPresent();
    }

    @Test
    void statusOfOtherKindsIsDroppedSoThatStatusWritesChangeNothing() {
        GenericKubernetesResource pool =
                parse(StatusWriterTest.POOL.replace("spec:", "status: {parents: [{controllerName: x/y}]}\nspec:"));
        String text = ResourceText.of(pool, WatchScope.forServe(Optional.empty()), json)
                .orElseThrow();
        assertThat(text).doesNotContain("parents");
        assertThat(Manifests.load("x", text).errors()).isEmpty();
    }

    @Test
    void routesAttachByParentRef() {
        GenericKubernetesResource route = parse(StatusWriterTest.route("r", "gw", "inference.networking.k8s.io", "p"));
        assertThat(ResourceText.isRoute(route)).isTrue();
        assertThat(ResourceText.attachesTo(route, Set.of("infra/gw"))).isTrue();
        assertThat(ResourceText.attachesTo(route, Set.of("app/gw"))).isFalse();
        GenericKubernetesResource sameNamespace = parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: app}
                spec: {parentRefs: [{name: gw}]}
                """);
        assertThat(ResourceText.attachesTo(sameNamespace, Set.of("app/gw"))).isTrue();
    }

    @Test
    void scopesAndKindsSayWhatIsWrong() {
        WatchScope picker = WatchScope.forPicker("ml", "pool", "inference.networking.x-k8s.io");
        assertThat(picker.kinds())
                .containsExactly(
                        WatchScope.POOL_V1ALPHA2,
                        WatchScope.INFERENCE_MODEL,
                        WatchScope.INFERENCE_OBJECTIVE,
                        WatchScope.INFERENCE_MODEL_REWRITE,
                        WatchScope.POD);
        assertThat(picker.writesPoolStatus()).isFalse();
        assertThat(WatchScope.forServe(Optional.empty(), Set.of(), true).kinds())
                .contains(WatchScope.SECRET);
        assertThat(WatchScope.SECRET.fieldSelector()).isEqualTo(Map.of("type", "kubernetes.io/tls"));
        assertThat(WatchScope.BBR_CONFIG_MAP.labelSelector())
                .isEqualTo(Map.of("inference.networking.k8s.io/bbr-managed", "true"));
        assertThatThrownBy(() -> WatchScope.forPicker("ml", "pool", "example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: group");
        assertThatThrownBy(() -> WatchScope.forServe(Optional.of(" ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a namespace name");
        assertThatThrownBy(() -> WatchedKind.crd("", "X", "xs")).isInstanceOf(IllegalArgumentException.class);
        assertThat(WatchScope.POOL_V1.context().getPlural()).isEqualTo("inferencepools");
        assertThat(WatchScope.POD.group()).isEmpty();
        assertThat(WatchScope.POD.version()).isEqualTo("v1");
    }
}
