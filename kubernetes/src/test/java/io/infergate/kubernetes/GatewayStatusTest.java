package io.infergate.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.Resource;
import io.infergate.kubernetes.GatewayStatus.ListenerStatus;
import io.infergate.kubernetes.GatewayStatus.RouteParent;
import io.infergate.kubernetes.StatusWriter.Condition;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** Gateway and route status computed from a set, without a cluster. */
class GatewayStatusTest {

    /** Two HTTP listeners and a TCP one, in namespace infra, routes from every namespace. */
    static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: infra}
            spec:
              gatewayClassName: infergate
              listeners:
                - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
                - {name: alt, protocol: HTTP, port: 8080, hostname: "*.example.com",
                   allowedRoutes: {namespaces: {from: All}}}
                - {name: tcp, protocol: TCP, port: 9000, allowedRoutes: {namespaces: {from: All}}}
            """;

    static final String BACKEND = """
            apiVersion: v1
            kind: Service
            metadata: {name: backend, namespace: app}
            spec:
              ports:
                - {port: 9000}
            """;

    /** An HTTPRoute in namespace app to the pool of {@link StatusWriterTest#POOL}, with this parentRef body. */
    static String route(String name, String parentRef) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %s, namespace: app}
                spec:
                  parentRefs:
                    - %s
                  rules:
                    - backendRefs:
                        - {group: inference.networking.k8s.io, kind: InferencePool, name: primary-inference-pool}
                """.formatted(name, parentRef);
    }

    static String tcpRoute(String name, String parentRef, String service) {
        return """
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: TCPRoute
                metadata: {name: %s, namespace: app}
                spec:
                  parentRefs:
                    - %s
                  rules:
                    - backendRefs:
                        - {name: %s, port: 9000}
                """.formatted(name, parentRef, service);
    }

    private static ManifestSet load(String... docs) {
        return Manifests.load("test.yaml", String.join("---\n", docs)).manifests();
    }

    private static Resource routeNamed(ManifestSet set, String name) {
        return GatewayStatus.routes(set).stream()
                .filter(r -> r.metadata().name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void listenersCountTheRoutesThatAttachByNamePortKindAndHostname() {
        ManifestSet set = load(
                GATEWAY,
                StatusWriterTest.POOL,
                BACKEND,
                route("all", "{name: gw, namespace: infra}"),
                route("by-section", "{name: gw, namespace: infra, sectionName: alt}"),
                route("by-port", "{name: gw, namespace: infra, port: 80}"),
                route("other-host", "{name: gw, namespace: infra}")
                        .replace("  rules:", "  hostnames: [\"www.example.org\"]\n  rules:"),
                tcpRoute("tcp", "{name: gw, namespace: infra}", "backend"));
        Gateway gw = set.gateways().get(0);
        assertThat(GatewayStatus.listeners(set, gw))
                .extracting(ListenerStatus::name, ListenerStatus::supportedKinds, ListenerStatus::attachedRoutes)
                .containsExactly(
                        Tuple.tuple("http", List.of(HttpRoute.KIND), 3),
                        Tuple.tuple("alt", List.of(HttpRoute.KIND), 2),
                        Tuple.tuple("tcp", List.of("TCPRoute"), 1));
        assertThat(GatewayStatus.listeners(set, gw))
                .allSatisfy(l -> assertThat(l.resolvedRefs().status()).isEqualTo("True"));
    }

    @Test
    void routeParentsSayWhetherAListenerTakesTheRouteAndItsBackendsExist() {
        ManifestSet set = load(
                GATEWAY,
                StatusWriterTest.POOL,
                BACKEND,
                route("ok", "{name: gw, namespace: infra}"),
                route("no-section", "{name: gw, namespace: infra, sectionName: nope}"),
                route("no-pool", "{name: gw, namespace: infra}")
                        .replace("name: primary-inference-pool", "name: missing-pool"),
                tcpRoute("tcp-ok", "{name: gw, namespace: infra, sectionName: tcp}", "backend"),
                tcpRoute("tcp-missing", "{name: gw, namespace: infra}", "gone"),
                tcpRoute("tcp-on-http", "{name: gw, namespace: infra, sectionName: http}", "backend"));
        assertThat(conditions(set, "ok")).containsExactly("Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs");
        assertThat(conditions(set, "no-section"))
                .containsExactly("Accepted=False/NoMatchingParent", "ResolvedRefs=True/ResolvedRefs");
        assertThat(conditions(set, "no-pool"))
                .containsExactly("Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound");
        assertThat(conditions(set, "tcp-ok"))
                .containsExactly("Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs");
        assertThat(conditions(set, "tcp-missing"))
                .containsExactly("Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound");
        assertThat(conditions(set, "tcp-on-http"))
                .containsExactly("Accepted=False/NotAllowedByListeners", "ResolvedRefs=True/ResolvedRefs");
    }

    @Test
    void onlyGatewaysOfServedClassesAreParents() {
        ManifestSet set = load(GATEWAY, StatusWriterTest.POOL, route("ok", "{name: gw, namespace: infra}"));
        assertThat(GatewayStatus.routeParents(set, routeNamed(set, "ok"), c -> c.equals("istio")))
                .isEmpty();
        List<RouteParent> parents = GatewayStatus.routeParents(set, routeNamed(set, "ok"), c -> true);
        assertThat(parents)
                .singleElement()
                .satisfies(p -> assertThat(GatewayStatus.parentRef(p.ref()))
                        .isEqualTo(Map.of(
                                "group",
                                "gateway.networking.k8s.io",
                                "kind",
                                "Gateway",
                                "namespace",
                                "infra",
                                "name",
                                "gw")));
    }

    @Test
    void hostnamesIntersectExactlyOrThroughWildcards() {
        assertThat(GatewayStatus.intersect("a.example.com", "a.example.com")).isTrue();
        assertThat(GatewayStatus.intersect("*.example.com", "a.example.com")).isTrue();
        assertThat(GatewayStatus.intersect("a.example.com", "*.example.com")).isTrue();
        assertThat(GatewayStatus.intersect("*.example.com", "*.a.example.com")).isTrue();
        assertThat(GatewayStatus.intersect("*.example.com", "example.com")).isFalse();
        assertThat(GatewayStatus.intersect("a.example.com", "b.example.com")).isFalse();
    }

    @Test
    void ourConditionsReplaceTheirTypeAndOthersStay() {
        List<Map<String, Object>> old =
                List.of(Map.of("type", "Accepted", "status", "False"), Map.of("type", "Vendor", "status", "True"));
        List<Map<String, Object>> merged = StatusWriter.mergeConditions(
                old,
                List.of(
                        new Condition("Accepted", "True", "Accepted", ""),
                        new Condition("Programmed", "True", "Programmed", "")),
                3,
                (c, gen, prev) -> Map.of("type", c.type(), "status", c.status()));
        assertThat(merged)
                .extracting(m -> m.get("type") + "=" + m.get("status"))
                .containsExactly("Accepted=True", "Vendor=True", "Programmed=True");
    }

    private static List<String> conditions(ManifestSet set, String route) {
        List<RouteParent> parents = GatewayStatus.routeParents(set, routeNamed(set, route), c -> true);
        assertThat(parents).hasSize(1);
        RouteParent p = parents.get(0);
        return List.of(text(p.accepted()), text(p.resolvedRefs()));
    }

    private static String text(Condition c) {
        return c.type() + "=" + c.status() + "/" + c.reason();
    }
}
