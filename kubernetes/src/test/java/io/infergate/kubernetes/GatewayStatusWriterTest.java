package io.infergate.kubernetes;

import static io.infergate.kubernetes.StatusWriterTest.condition;
import static io.infergate.kubernetes.StatusWriterTest.list;
import static io.infergate.kubernetes.StatusWriterTest.map;
import static io.infergate.kubernetes.StatusWriterTest.status;
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

/** Gateway and route status, as the Gateway controller of our class, written to the mock API server. */
class GatewayStatusWriterTest {

    static final String CONTROLLER = StatusWriter.DEFAULT_CONTROLLER_NAME;

    /** Two HTTP listeners. */
    static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: infra}
            spec:
              gatewayClassName: infergate
              listeners:
                - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
                - {name: alt, protocol: HTTP, port: 8080, allowedRoutes: {namespaces: {from: All}}}
            """;

    private static ClusterMode cluster(MockCluster c) {
        return ClusterMode.builder(WatchScope.forServe(Optional.empty(), Set.of("infergate"), false))
                .client(c.client)
                .debounce(Duration.ofMillis(20))
                .build();
    }

    private static List<Map<String, Object>> ourParents(MockCluster c, String route) {
        return list(status(c, WatchScope.HTTP_ROUTE, "app", route).get("parents")).stream()
                .filter(p -> CONTROLLER.equals(p.get("controllerName")))
                .toList();
    }

    private static Map<String, Object> listener(MockCluster c, String name) {
        return list(status(c, WatchScope.GATEWAY, "infra", "gw").get("listeners")).stream()
                .filter(l -> name.equals(l.get("name")))
                .findFirst()
                .orElseThrow();
    }

    private static String text(Map<String, Object> condition) {
        return condition.get("type") + "=" + condition.get("status") + "/" + condition.get("reason");
    }

    @Test
    void theGatewayIsProgrammedAndItsListenersCountTheirRoutes() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(StatusWriterTest.POOL);
            c.apply(StatusWriterTest.EPP_SERVICE);
            c.apply(GATEWAY);
            c.apply(GatewayStatusTest.route("both", "{name: gw, namespace: infra}"));
            c.apply(GatewayStatusTest.route("alt-only", "{name: gw, namespace: infra, sectionName: alt}"));
            // an address someone else (a load balancer controller) wrote stays
            GenericKubernetesResource live = c.get(WatchScope.GATEWAY, "infra", "gw");
            live.setAdditionalProperty(
                    "status", Map.of("addresses", List.of(Map.of("type", "IPAddress", "value", "203.0.113.7"))));
            c.client
                    .genericKubernetesResources(WatchScope.GATEWAY.context())
                    .inNamespace("infra")
                    .resource(live)
                    .updateStatus();

            try (ClusterMode cluster = cluster(c)) {
                cluster.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() -> status(c, WatchScope.GATEWAY, "infra", "gw").containsKey("listeners"));
                Map<String, Object> gw = status(c, WatchScope.GATEWAY, "infra", "gw");
                assertThat(text(condition(gw, "Accepted"))).isEqualTo("Accepted=True/Accepted");
                assertThat(text(condition(gw, "Programmed"))).isEqualTo("Programmed=True/Programmed");
                assertThat(condition(gw, "Programmed")).containsKeys("observedGeneration", "lastTransitionTime");
                assertThat(list(gw.get("addresses")))
                        .singleElement()
                        .satisfies(a -> assertThat(a).containsEntry("value", "203.0.113.7"));

                assertThat(((Number) listener(c, "http").get("attachedRoutes")).intValue())
                        .isEqualTo(1);
                assertThat(((Number) listener(c, "alt").get("attachedRoutes")).intValue())
                        .isEqualTo(2);
                assertThat(list(listener(c, "http").get("supportedKinds")))
                        .containsExactly(Map.of("group", "gateway.networking.k8s.io", "kind", "HTTPRoute"));
                assertThat(list(listener(c, "alt").get("conditions")))
                        .extracting(GatewayStatusWriterTest::text)
                        .containsExactly(
                                "Accepted=True/Accepted",
                                "Programmed=True/Programmed",
                                "ResolvedRefs=True/ResolvedRefs");

                c.delete(WatchScope.HTTP_ROUTE, "app", "both");
                await().until(() -> ((Number) listener(c, "http").get("attachedRoutes")).intValue() == 0);
                assertThat(((Number) listener(c, "alt").get("attachedRoutes")).intValue())
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void routesAreAcceptedAndSayWhetherTheirBackendsResolve() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(StatusWriterTest.POOL);
            c.apply(StatusWriterTest.EPP_SERVICE);
            c.apply(GATEWAY);
            c.apply(GatewayStatusTest.route("good", "{name: gw, namespace: infra}"));
            c.apply(GatewayStatusTest.route("missing-pool", "{name: gw, namespace: infra}")
                    .replace("name: primary-inference-pool", "name: no-such-pool"));
            c.apply(GatewayStatusTest.route("no-listener", "{name: gw, namespace: infra, sectionName: nope}"));
            // another controller's entry on our route stays as it is
            GenericKubernetesResource live = c.get(WatchScope.HTTP_ROUTE, "app", "good");
            Map<String, Object> istio = Map.of(
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
                                    "2026-01-01T00:00:00Z")));
            live.setAdditionalProperty("status", Map.of("parents", List.of(istio)));
            c.client
                    .genericKubernetesResources(WatchScope.HTTP_ROUTE.context())
                    .inNamespace("app")
                    .resource(live)
                    .updateStatus();

            try (ClusterMode cluster = cluster(c)) {
                cluster.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() -> ourParents(c, "good").size() == 1
                        && ourParents(c, "missing-pool").size() == 1
                        && ourParents(c, "no-listener").size() == 1);

                Map<String, Object> good = ourParents(c, "good").get(0);
                assertThat(map(good.get("parentRef")))
                        .isEqualTo(Map.of(
                                "group",
                                "gateway.networking.k8s.io",
                                "kind",
                                "Gateway",
                                "namespace",
                                "infra",
                                "name",
                                "gw"));
                assertThat(list(good.get("conditions")))
                        .extracting(GatewayStatusWriterTest::text)
                        .containsExactly("Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs");
                assertThat(list(status(c, WatchScope.HTTP_ROUTE, "app", "good").get("parents")))
                        .extracting(p -> p.get("controllerName"))
                        .containsExactly("istio.io/gateway-controller", CONTROLLER);

                assertThat(list(ourParents(c, "missing-pool").get(0).get("conditions")))
                        .extracting(GatewayStatusWriterTest::text)
                        .containsExactly("Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound");

                Map<String, Object> noListener = ourParents(c, "no-listener").get(0);
                assertThat(map(noListener.get("parentRef"))).containsEntry("sectionName", "nope");
                assertThat(text(condition(noListener, "Accepted"))).isEqualTo("Accepted=False/NoMatchingParent");
            }
        }
    }

    @Test
    void aGatewayOfAClassWeDoNotServeGetsNoStatus() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(StatusWriterTest.POOL);
            c.apply(GATEWAY.replace("name: gw,", "name: other,").replace("infergate", "istio"));
            c.apply(GATEWAY);
            c.apply(GatewayStatusTest.route("theirs", "{name: other, namespace: infra}"));
            try (ClusterMode cluster = cluster(c)) {
                cluster.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() -> status(c, WatchScope.GATEWAY, "infra", "gw").containsKey("listeners"));
                assertThat(status(c, WatchScope.GATEWAY, "infra", "other")).isEmpty();
                assertThat(status(c, WatchScope.HTTP_ROUTE, "app", "theirs")).isEmpty();
            }
        }
    }

    @Test
    void nothingIsRewrittenWhenNothingChanged() {
        String yaml = String.join(
                "---\n",
                StatusWriterTest.POOL,
                StatusWriterTest.EPP_SERVICE,
                GATEWAY,
                GatewayStatusTest.route("good", "{name: gw, namespace: infra, sectionName: http, port: 80}"));
        try (MockCluster c = new MockCluster()) {
            for (String doc : yaml.split("---\n")) {
                c.apply(doc);
            }
            ManifestSet set = Manifests.load("test.yaml", yaml).manifests();
            Clock t0 = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
            // pool, Gateway, route
            assertThat(new StatusWriter(c.client, CONTROLLER, Set.of("infergate"), t0).write(set, true))
                    .isEqualTo(new StatusWriter.Report(3, 0, 0));
            String gatewayVersion =
                    c.get(WatchScope.GATEWAY, "infra", "gw").getMetadata().getResourceVersion();
            String routeVersion =
                    c.get(WatchScope.HTTP_ROUTE, "app", "good").getMetadata().getResourceVersion();

            StatusWriter later =
                    new StatusWriter(c.client, CONTROLLER, Set.of("infergate"), Clock.offset(t0, Duration.ofHours(1)));
            assertThat(later.write(set, true)).isEqualTo(new StatusWriter.Report(0, 3, 0));
            assertThat(c.get(WatchScope.GATEWAY, "infra", "gw").getMetadata().getResourceVersion())
                    .isEqualTo(gatewayVersion);
            assertThat(c.get(WatchScope.HTTP_ROUTE, "app", "good").getMetadata().getResourceVersion())
                    .isEqualTo(routeVersion);
            assertThat(map(ourParents(c, "good").get(0).get("parentRef"))).containsEntry("sectionName", "http");

            // the pool goes: the route's ResolvedRefs changes and gets a new time, Accepted keeps its time
            ManifestSet withoutPool = Manifests.load("test.yaml", yaml.replace(StatusWriterTest.POOL + "---\n", ""))
                    .manifests();
            assertThat(later.write(withoutPool, true)).isEqualTo(new StatusWriter.Report(1, 1, 0));
            Map<String, Object> parent = ourParents(c, "good").get(0);
            assertThat(condition(parent, "Accepted")).containsEntry("lastTransitionTime", "2026-03-01T10:00:00Z");
            assertThat(condition(parent, "ResolvedRefs"))
                    .containsEntry("lastTransitionTime", "2026-03-01T11:00:00Z")
                    .containsEntry("reason", "BackendNotFound");
        }
    }
}
