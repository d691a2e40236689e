package io.infergate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infergate.api.model.Gateway;
import io.infergate.api.model.ManifestSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TcpRouteTableTest {

    private static String tcpRoute(String name, String meta, String parentRefs, String backendRefs) {
        return """
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: TCPRoute
                metadata: {name: %s%s}
                spec:
                  parentRefs: %s
                  rules:
                    - backendRefs: %s
                """.formatted(name, meta.isEmpty() ? "" : ", " + meta, parentRefs, backendRefs);
    }

    private static TcpRouteTable table(ManifestSet set) {
        Gateway gw = TestManifests.gateway(set);
        return TcpRouteTable.compile(set, gw, gw.listener("tcp").orElseThrow());
    }

    @Test
    void weightedServicesOfTheAttachedRoute() {
        ManifestSet set = TestManifests.load(tcpRoute(
                "t",
                "",
                "[{name: gw, sectionName: tcp}]",
                "[{name: svc, port: 80, weight: 3}, {name: svc2, port: 81, weight: 1}]"));
        RouteMatch target = table(set).target().orElseThrow();
        assertThat(target.route()).hasToString("TCPRoute default/t rule 0");
        assertThat(target.backends().backends())
                .containsExactly(new ServiceBackend("default", "svc", 80), new ServiceBackend("default", "svc2", 81));
        SplittableRandom random = new SplittableRandom(3);
        int first = 0;
        for (int i = 0; i < 40_000; i++) {
            if (target.backends().choose(random) instanceof BackendChoice.Picked p
                    && p.backend().equals(new ServiceBackend("default", "svc", 80))) {
                first++;
            }
        }
        assertThat(first / 40_000.0).isCloseTo(0.75, within(0.02));
    }

    @Test
    void oldestRouteWinsTheOthersAreReported() {
        ManifestSet set = TestManifests.load(
                tcpRoute(
                        "newer",
                        "creationTimestamp: \"2024-02-01T00:00:00Z\"",
                        "[{name: gw}]",
                        "[{name: svc2, port: 81}]"),
                tcpRoute(
                        "older",
                        "creationTimestamp: \"2024-01-01T00:00:00Z\"",
                        "[{name: gw, port: 9000}]",
                        "[{name: svc, port: 80}]"));
        TcpRouteTable t = table(set);
        assertThat(t.target().orElseThrow().route().name()).isEqualTo("older");
        assertThat(t.ignored()).extracting(RouteId::name).containsExactly("newer");
    }

    @Test
    void nothingAttachedMeansNoTarget() {
        assertThat(table(TestManifests.load()).target()).isEmpty();
    }

    @Test
    void httpRoutesDoNotAttachToTcpListeners() {
        ManifestSet set =
                TestManifests.load(TestManifests.routeWithParents("h", "", "[{name: gw}]", null, (String) null));
        assertThat(table(set).target()).isEmpty();
    }

    @Test
    void httpListenerIsRefused() {
        ManifestSet set = TestManifests.load();
        Gateway gw = TestManifests.gateway(set);
        assertThatThrownBy(
                        () -> TcpRouteTable.compile(set, gw, gw.listener("http").orElseThrow()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: TCP");
    }
}
