package io.infergate.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.infergate.api.Manifests;
import io.infergate.api.model.ManifestSet;
import io.infergate.testing.Patience;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatusWriterTest {

    static final String CONTROLLER = StatusWriter.DEFAULT_CONTROLLER_NAME;

    static final String POOL = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: primary-inference-pool, namespace: app}
            spec:
              selector:
                matchLabels: {app: primary-inference-model-server}
              targetPorts:
                - number: 3000
              endpointPickerRef:
                name: primary-endpoint-picker-svc
                port: {number: 9002}
            """;

    static final String EPP_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: primary-endpoint-picker-svc, namespace: app}
            spec:
              selector: {app: primary-app-backend-epp}
              ports:
                - {protocol: TCP, port: 9002, targetPort: 9002, appProtocol: http2}
              type: ClusterIP
            """;

    static String gateway(String name) {
        return ClusterWatchTest.gateway(name, "infergate");
    }

    static String route(String name, String gateway, String poolGroup, String pool) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %s, namespace: app}
                spec:
                  parentRefs:
                    - {group: gateway.networking.k8s.io, kind: Gateway, name: %s, namespace: infra}
                  rules:
                    - backendRefs:
                        - {group: %s, kind: InferencePool, name: %s}
                      matches:
                        - path: {type: PathPrefix, value: /}
                """.formatted(name, gateway, poolGroup, pool);
    }

    static String model(String name, String modelName) {
        return """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: %s, namespace: app}
                spec:
                  modelName: %s
                  poolRef: {name: primary-inference-pool, group: inference.networking.k8s.io}
                """.formatted(name, modelName);
    }

    private static ClusterMode cluster(MockCluster c) {
        return ClusterMode.builder(WatchScope.forServe(Optional.empty(), Set.of("infergate"), false))
                .client(c.client)
                .debounce(Duration.ofMillis(20))
                .build();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(MockCluster c, WatchedKind kind, String ns, String name) {
        GenericKubernetesResource r = c.get(kind, ns, name);
        Object s = r == null ? null : r.getAdditionalProperties().get("status");
        return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<Map<String, Object>> ourParents(MockCluster c, WatchedKind kind, String key) {
        return list(status(c, kind, "app", "primary-inference-pool").get(key)).stream()
                .filter(p -> key.equals("parent") || CONTROLLER.equals(p.get("controllerName")))
                .toList();
    }

    static Map<String, Object> condition(Map<String, Object> holder, String type) {
        return list(holder.get("conditions")).stream()
                .filter(c -> type.equals(c.get("type")))
                .findFirst()
                .orElseThrow();
    }

    static String gatewayOf(Map<String, Object> parent) {
        Map<String, Object> ref = map(parent.get("parentRef"));
        return ref.get("group") + "/" + ref.get("kind") + "/" + ref.get("namespace") + "/" + ref.get("name");
    }

    @Test
    void poolParentsFollowTheRoutesPerGateway() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(POOL);
            c.apply(EPP_SERVICE);
            c.apply(gateway("conformance-primary"));
            c.apply(gateway("conformance-secondary"));
            c.apply(route(
                    "route-primary", "conformance-primary", "inference.networking.k8s.io", "primary-inference-pool"));
            c.apply(route(
                    "route-secondary",
                    "conformance-secondary",
                    "inference.networking.k8s.io",
                    "primary-inference-pool"));
            // another controller's entry, which we must leave alone
            GenericKubernetesResource live = c.get(WatchScope.POOL_V1, "app", "primary-inference-pool");
            live.setAdditionalProperty(
                    "status",
                    Map.of(
                            "parents",
                            List.of(Map.of(
                                    "parentRef",
                                            Map.of(
                                                    "group",
                                                    "gateway.networking.k8s.io",
                                                    "kind",
                                                    "Gateway",
                                                    "namespace",
                                                    "infra",
                                                    "name",
                                                    "istio-gw"),
                                    "controllerName", "istio.io/gateway-controller",
                                    "conditions",
                                            List.of(Map.of(
                                                    "type",
                                                    "Accepted",
                                                    "status",
                                                    "True",
                                                    "reason",
                                                    "Accepted",
                                                    "message",
                                                    "",
                                                    "lastTransitionTime",
                                                    "2026-01-01T00:00:00Z"))))));
            c.client
                    .genericKubernetesResources(WatchScope.POOL_V1.context())
                    .inNamespace("app")
                    .resource(live)
                    .updateStatus();

            try (ClusterMode cluster = cluster(c)) {
                cluster.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() -> ourParents(c, WatchScope.POOL_V1, "parents").size() == 2);
                List<Map<String, Object>> ours = ourParents(c, WatchScope.POOL_V1, "parents");
                assertThat(ours)
                        .extracting(StatusWriterTest::gatewayOf)
                        .containsExactly(
                                "gateway.networking.k8s.io/Gateway/infra/conformance-primary",
                                "gateway.networking.k8s.io/Gateway/infra/conformance-secondary");
                for (Map<String, Object> p : ours) {
                    assertThat(condition(p, "Accepted"))
                            .containsEntry("status", "True")
                            .containsEntry("reason", "Accepted")
                            .containsKeys("message", "observedGeneration", "lastTransitionTime");
                    assertThat(condition(p, "ResolvedRefs"))
                            .containsEntry("status", "True")
                            .containsEntry("reason", "ResolvedRefs");
                }
                assertThat(list(status(c, WatchScope.POOL_V1, "app", "primary-inference-pool")
                                .get("parents")))
                        .hasSize(3);

                c.delete(WatchScope.HTTP_ROUTE, "app", "route-secondary");
                await().until(() -> ourParents(c, WatchScope.POOL_V1, "parents").size() == 1);
                assertThat(ourParents(c, WatchScope.POOL_V1, "parents"))
                        .extracting(StatusWriterTest::gatewayOf)
                        .containsExactly("gateway.networking.k8s.io/Gateway/infra/conformance-primary");

                c.delete(WatchScope.HTTP_ROUTE, "app", "route-primary");
                await().until(() -> ourParents(c, WatchScope.POOL_V1, "parents").isEmpty());
                assertThat(list(status(c, WatchScope.POOL_V1, "app", "primary-inference-pool")
                                .get("parents")))
                        .extracting(p -> p.get("controllerName"))
                        .containsExactly("istio.io/gateway-controller");
            }
        }
    }

    @Test
    void aMissingEndpointPickerServiceIsAnInvalidExtensionRef() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(POOL);
            c.apply(gateway("conformance-primary"));
            c.apply(route(
                    "route-primary", "conformance-primary", "inference.networking.k8s.io", "primary-inference-pool"));
            try (ClusterMode cluster = cluster(c)) {
                cluster.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() -> ourParents(c, WatchScope.POOL_V1, "parents").size() == 1);
                Map<String, Object> parent =
                        ourParents(c, WatchScope.POOL_V1, "parents").get(0);
                assertThat(condition(parent, "Accepted")).containsEntry("status", "True");
                assertThat(condition(parent, "ResolvedRefs"))
                        .containsEntry("status", "False")
                        .containsEntry("reason", "InvalidExtensionRef");

                c.apply(EPP_SERVICE);
                await().until(() -> "True"
                        .equals(condition(
                                        ourParents(c, WatchScope.POOL_V1, "parents")
                                                .get(0),
                                        "ResolvedRefs")
                                .get("status")));
            }
        }
    }

    @Test
    void legacyPoolsGetTheirSingularParentList() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply("""
                    apiVersion: inference.networking.x-k8s.io/v1alpha2
                    kind: InferencePool
                    metadata: {name: primary-inference-pool, namespace: app}
                    spec:
                      selector: {app: primary-inference-model-server}
                      targetPortNumber: 3000
                      extensionRef: {group: infergate.io, kind: EndpointPicker, name: built-in}
                    """);
            c.apply(gateway("conformance-primary"));
            c.apply(route(
                    "route-primary", "conformance-primary", "inference.networking.x-k8s.io", "primary-inference-pool"));
            try (ClusterMode cluster = cluster(c)) {
                cluster.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() ->
                        ourParents(c, WatchScope.POOL_V1ALPHA2, "parent").size() == 1);
                Map<String, Object> parent =
                        ourParents(c, WatchScope.POOL_V1ALPHA2, "parent").get(0);
                assertThat(parent).doesNotContainKey("controllerName");
                assertThat(gatewayOf(parent)).isEqualTo("gateway.networking.k8s.io/Gateway/infra/conformance-primary");
                assertThat(condition(parent, "ResolvedRefs")).containsEntry("status", "True");

                c.delete(WatchScope.HTTP_ROUTE, "app", "route-primary");
                await().until(() ->
                        ourParents(c, WatchScope.POOL_V1ALPHA2, "parent").isEmpty());
            }
        }
    }

    @Test
    void theOldestInferenceModelWinsItsName() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(POOL);
            // created first, but last by name: only its age can make it win
            GenericKubernetesResource older = c.apply(model("z-older", "chat"));
            Instant olderCreated = Instant.parse(older.getMetadata().getCreationTimestamp());
            await().until(() -> Instant.now().getEpochSecond()
                    > olderCreated.getEpochSecond()); // creationTimestamp has one-second resolution
            c.apply(model("a-newer", "chat"));
            c.apply(model("other", "summarize"));
            try (ClusterMode cluster = cluster(c)) {
                cluster.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() ->
                        !status(c, WatchScope.INFERENCE_MODEL, "app", "a-newer").isEmpty()
                                && !status(c, WatchScope.INFERENCE_MODEL, "app", "z-older")
                                        .isEmpty()
                                && !status(c, WatchScope.INFERENCE_MODEL, "app", "other")
                                        .isEmpty());
                assertThat(condition(status(c, WatchScope.INFERENCE_MODEL, "app", "z-older"), "Accepted"))
                        .containsEntry("status", "True")
                        .containsEntry("reason", "Accepted");
                assertThat(condition(status(c, WatchScope.INFERENCE_MODEL, "app", "other"), "Accepted"))
                        .containsEntry("status", "True");
                assertThat(condition(status(c, WatchScope.INFERENCE_MODEL, "app", "a-newer"), "Accepted"))
                        .containsEntry("status", "False")
                        .containsEntry("reason", "ModelNameInUse");
                assertThat(condition(status(c, WatchScope.INFERENCE_MODEL, "app", "a-newer"), "Accepted")
                                .get("message")
                                .toString())
                        .contains("app/z-older");

                c.delete(WatchScope.INFERENCE_MODEL, "app", "z-older");
                await().until(() -> "True"
                        .equals(condition(status(c, WatchScope.INFERENCE_MODEL, "app", "a-newer"), "Accepted")
                                .get("status")));
            }
        }
    }

    @Test
    void aPickerWritesOnlyItsOwnPoolsModelsAndNoPoolStatus() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(POOL);
            c.apply(gateway("conformance-primary"));
            c.apply(route(
                    "route-primary", "conformance-primary", "inference.networking.k8s.io", "primary-inference-pool"));
            // sorts first: were it written, it would be written before the picker's own model
            c.apply(model("a-other-pool", "chat").replace("name: primary-inference-pool", "name: other-pool"));
            c.apply(model("mine", "chat"));
            try (ClusterMode picker = ClusterMode.builder(
                            WatchScope.forPicker("app", "primary-inference-pool", "inference.networking.k8s.io"))
                    .client(c.client)
                    .debounce(Duration.ofMillis(20))
                    .build()) {
                picker.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() ->
                        !status(c, WatchScope.INFERENCE_MODEL, "app", "mine").isEmpty());
                assertThat(condition(status(c, WatchScope.INFERENCE_MODEL, "app", "mine"), "Accepted"))
                        .containsEntry("status", "True");
                assertThat(status(c, WatchScope.INFERENCE_MODEL, "app", "a-other-pool"))
                        .isEmpty();
                assertThat(status(c, WatchScope.POOL_V1, "app", "primary-inference-pool"))
                        .isEmpty();
            }
        }
    }

    @Test
    void nothingIsWrittenWhenNothingChangedAndTransitionTimesStay() {
        String yaml = POOL + "---\n" + EPP_SERVICE + "---\n" + gateway("conformance-primary") + "---\n"
                + route("route-primary", "conformance-primary", "inference.networking.k8s.io", "primary-inference-pool")
                + "---\n" + model("chat", "chat");
        try (MockCluster c = new MockCluster()) {
            for (String doc : yaml.split("---\n")) {
                c.apply(doc);
            }
            ManifestSet set = Manifests.load("test.yaml", yaml).manifests();
            Clock t0 = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
            StatusWriter first = new StatusWriter(c.client, CONTROLLER, Set.of(), t0);
            // pool, model, Gateway and route
            assertThat(first.write(set, true)).isEqualTo(new StatusWriter.Report(4, 0, 0));

            Clock later = Clock.offset(t0, Duration.ofHours(1));
            StatusWriter second = new StatusWriter(c.client, CONTROLLER, Set.of(), later);
            assertThat(second.write(set, true)).isEqualTo(new StatusWriter.Report(0, 4, 0));

            // a changed condition gets a new time; the unchanged one keeps its old time
            ManifestSet withoutService = Manifests.load("test.yaml", yaml.replace(EPP_SERVICE + "---\n", ""))
                    .manifests();
            assertThat(second.write(withoutService, true)).isEqualTo(new StatusWriter.Report(1, 3, 0));
            Map<String, Object> parent =
                    ourParents(c, WatchScope.POOL_V1, "parents").get(0);
            assertThat(condition(parent, "Accepted")).containsEntry("lastTransitionTime", "2026-03-01T10:00:00Z");
            assertThat(condition(parent, "ResolvedRefs"))
                    .containsEntry("lastTransitionTime", "2026-03-01T11:00:00Z")
                    .containsEntry("status", "False");
            assertThat(condition(parent, "Accepted").get("observedGeneration")).isNotNull();
        }
    }
}
