package io.infergate.gateway.route;

import static io.infergate.gateway.route.TestManifests.routeWithParents;
import static io.infergate.gateway.route.TestManifests.served;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Manifests;
import io.infergate.api.model.ManifestSet;
import org.junit.jupiter.api.Test;

/** Which routes a listener takes: parentRef name/namespace/sectionName/port, allowedRoutes, hostnames. */
class AttachmentTest {

    private static String names(RouteTable t) {
        return String.join(
                ",", t.routes().stream().map(r -> r.metadata().name()).toList());
    }

    private static String hostnames(RouteTable t, String route) {
        return String.join(
                ",",
                t.entries().stream()
                        .filter(e -> e.route().name().equals(route))
                        .map(RouteEntry::hostname)
                        .distinct()
                        .toList());
    }

    @Test
    void sectionNameSelectsOneListener() {
        ManifestSet set =
                TestManifests.load(routeWithParents("r", "", "[{name: gw, sectionName: wild}]", null, (String) null));
        assertThat(names(TestManifests.table(set, "wild"))).isEqualTo("r");
        assertThat(names(TestManifests.table(set, "http"))).isEmpty();
        assertThat(names(TestManifests.table(set, "exact"))).isEmpty();
    }

    @Test
    void portSelectsListenersOnThatPort() {
        ManifestSet set =
                TestManifests.load(routeWithParents("r", "", "[{name: gw, port: 8082}]", null, (String) null));
        assertThat(names(TestManifests.table(set, "exact"))).isEqualTo("r");
        assertThat(names(TestManifests.table(set, "http"))).isEmpty();
        assertThat(names(TestManifests.table(set, "wild"))).isEmpty();
    }

    @Test
    void sectionNameAndPortMustBothHold() {
        // the validator rejects the second parentRef; compiling must still not attach through it
        var loaded = Manifests.load(
                "test.yaml",
                TestManifests.BASE
                        + routeWithParents(
                                "r",
                                "",
                                "[{name: gw, sectionName: http, port: 8080}, {name: gw, sectionName: wild, port: 8080}]",
                                null,
                                (String) null));
        assertThat(loaded.errors()).singleElement().asString().contains("listens on port 8081, not 8080");
        ManifestSet set = loaded.manifests();
        assertThat(names(TestManifests.table(set, "http"))).isEqualTo("r");
        assertThat(names(TestManifests.table(set, "wild"))).isEmpty();
    }

    @Test
    void noSectionNameAttachesToEveryHttpListener() {
        ManifestSet set = TestManifests.load(routeWithParents("r", "", "[{name: gw}]", null, (String) null));
        assertThat(names(TestManifests.table(set, "http"))).isEqualTo("r");
        assertThat(names(TestManifests.table(set, "wild"))).isEqualTo("r");
        assertThat(names(TestManifests.table(set, "exact"))).isEqualTo("r");
        assertThat(TcpRouteTable.compile(
                                set,
                                TestManifests.gateway(set),
                                TestManifests.gateway(set).listener("tcp").orElseThrow())
                        .target())
                .isEmpty();
    }

    @Test
    void routesForOtherGatewaysAreIgnored() {
        String other = """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: other}
                spec:
                  gatewayClassName: infergate
                  listeners:
                    - {name: http, protocol: HTTP, port: 7070}
                """;
        ManifestSet set = TestManifests.load(
                other,
                routeWithParents("mine", "", "[{name: gw}]", null, "[{path: {type: Exact, value: /a}}]"),
                routeWithParents("theirs", "", "[{name: other, sectionName: http}]", null, (String) null));
        RouteTable t = TestManifests.table(set, "http");
        assertThat(names(t)).isEqualTo("mine");
        assertThat(served(t, SimpleRequest.of("GET", "/b", "h"))).isEqualTo("404");
        RouteTable theirs = RouteTable.compile(
                set,
                set.gateway("default", "other").orElseThrow(),
                set.gateway("default", "other").orElseThrow().listener("http").orElseThrow());
        assertThat(names(theirs)).isEqualTo("theirs");
    }

    @Test
    void allowedRoutesDefaultsToSameNamespace() {
        String gatewayAllowingAll = """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: shared}
                spec:
                  gatewayClassName: infergate
                  listeners:
                    - {name: same, protocol: HTTP, port: 7070}
                    - {name: all, protocol: HTTP, port: 7071, allowedRoutes: {namespaces: {from: All}}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: svc, namespace: team}
                spec:
                  ports: [{port: 80}]
                """;
        String teamRoute = routeWithParents(
                "team-route", "namespace: team", "[{name: shared, namespace: default}]", null, (String) null);
        ManifestSet set = TestManifests.load(gatewayAllowingAll, teamRoute);
        var gw = set.gateway("default", "shared").orElseThrow();
        RouteTable same = RouteTable.compile(set, gw, gw.listener("same").orElseThrow());
        RouteTable all = RouteTable.compile(set, gw, gw.listener("all").orElseThrow());
        assertThat(names(same)).isEmpty();
        assertThat(names(all)).isEqualTo("team-route");
        assertThat(all.match(SimpleRequest.of("GET", "/", "h"))
                        .orElseThrow()
                        .backends()
                        .backends())
                .containsExactly(new ServiceBackend("team", "svc", 80));
    }

    @Test
    void routeWithoutHostnamesTakesTheListenerHostname() {
        ManifestSet set =
                TestManifests.load(routeWithParents("r", "", "[{name: gw, sectionName: wild}]", null, (String) null));
        RouteTable t = TestManifests.table(set, "wild");
        assertThat(hostnames(t, "r")).isEqualTo("*.example.com");
        assertThat(served(t, SimpleRequest.of("GET", "/", "a.example.com"))).isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "a.example.org"))).isEqualTo("404");
    }

    @Test
    void wildcardListenerKeepsTheRouteHostnamesInsideIt() {
        ManifestSet set = TestManifests.load(routeWithParents(
                "r",
                "",
                "[{name: gw, sectionName: wild}]",
                "[foo.example.com, '*.api.example.com', other.org]",
                (String) null));
        RouteTable t = TestManifests.table(set, "wild");
        assertThat(hostnames(t, "r")).isEqualTo("foo.example.com,*.api.example.com");
        assertThat(served(t, SimpleRequest.of("GET", "/", "foo.example.com"))).isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "x.api.example.com"))).isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "bar.example.com"))).isEqualTo("404");
        assertThat(served(t, SimpleRequest.of("GET", "/", "other.org"))).isEqualTo("404");
    }

    @Test
    void exactListenerNarrowsAWildcardRoute() {
        ManifestSet set = TestManifests.load(
                routeWithParents("r", "", "[{name: gw, sectionName: exact}]", "['*.example.com']", (String) null));
        RouteTable t = TestManifests.table(set, "exact");
        assertThat(hostnames(t, "r")).isEqualTo("foo.example.com");
        assertThat(served(t, SimpleRequest.of("GET", "/", "foo.example.com"))).isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "bar.example.com"))).isEqualTo("404");
    }

    @Test
    void wildcardListenerNarrowsAWiderWildcardRoute() {
        String gw = """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: narrow}
                spec:
                  gatewayClassName: infergate
                  listeners:
                    - {name: api, protocol: HTTP, port: 7070, hostname: '*.api.example.com'}
                """;
        ManifestSet set = TestManifests.load(
                gw, routeWithParents("r", "", "[{name: narrow}]", "['*.example.com']", (String) null));
        var g = set.gateway("default", "narrow").orElseThrow();
        RouteTable t = RouteTable.compile(set, g, g.listener("api").orElseThrow());
        assertThat(hostnames(t, "r")).isEqualTo("*.api.example.com");
        assertThat(served(t, SimpleRequest.of("GET", "/", "x.api.example.com"))).isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "x.example.com"))).isEqualTo("404");
    }

    @Test
    void routeWhoseHostnamesMissTheListenerDoesNotAttach() {
        // attached through the other listeners, so the manifests stay valid
        ManifestSet set =
                TestManifests.load(routeWithParents("r", "", "[{name: gw}]", "[a.example.org]", (String) null));
        assertThat(names(TestManifests.table(set, "http"))).isEqualTo("r");
        assertThat(names(TestManifests.table(set, "wild"))).isEmpty();
        assertThat(names(TestManifests.table(set, "exact"))).isEmpty();
    }

    @Test
    void tcpListenerIsRefused() {
        ManifestSet set = TestManifests.load();
        assertThatThrownBy(() -> TestManifests.table(set, "tcp"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: HTTP or HTTPS");
    }
}
