package io.infergate.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status a set implies, without a cluster. */
class StatusComputationTest {

    private static ManifestSet load(String... docs) {
        return Manifests.load("test.yaml", String.join("---\n", docs)).manifests();
    }

    @Test
    void parentsAreTheGatewaysOfTheRoutesThatReachThePool() {
        ManifestSet set = load(
                StatusWriterTest.POOL,
                ClusterWatchTest.gateway("b-gw", "infergate"),
                ClusterWatchTest.gateway("a-gw", "infergate"),
                ClusterWatchTest.gateway("istio-gw", "istio"),
                StatusWriterTest.route("r1", "b-gw", "inference.networking.k8s.io", "primary-inference-pool"),
                StatusWriterTest.route("r2", "a-gw", "inference.networking.k8s.io", "primary-inference-pool"),
                StatusWriterTest.route("r3", "a-gw", "inference.networking.k8s.io", "primary-inference-pool"),
                StatusWriterTest.route("r4", "istio-gw", "inference.networking.k8s.io", "primary-inference-pool"));
        Map<InferencePool, List<StatusWriter.GatewayKey>> parents =
                StatusWriter.poolParents(set, c -> c.equals("infergate"));
        assertThat(parents.values())
                .singleElement()
                .isEqualTo(List.of(
                        new StatusWriter.GatewayKey("infra", "a-gw"), new StatusWriter.GatewayKey("infra", "b-gw")));
        assertThat(StatusWriter.poolParents(set, c -> true).values().iterator().next())
                .hasSize(3);
    }

    @Test
    void resolvedRefsFollowsTheEndpointPickerReference() {
        InferencePool withService = load(StatusWriterTest.POOL).inferencePools().get(0);
        assertThat(StatusWriter.resolvedRefs(load(StatusWriterTest.POOL), withService))
                .extracting(StatusWriter.Condition::status, StatusWriter.Condition::reason)
                .containsExactly("False", "InvalidExtensionRef");
        ManifestSet both = load(StatusWriterTest.POOL, StatusWriterTest.EPP_SERVICE);
        assertThat(StatusWriter.resolvedRefs(both, both.inferencePools().get(0)).status())
                .isEqualTo("True");

        ManifestSet builtIn = load(StatusWriterTest.POOL.replace(
                "name: primary-endpoint-picker-svc",
                "group: infergate.io\n    kind: EndpointPicker\n    name: built-in"));
        assertThat(StatusWriter.resolvedRefs(builtIn, builtIn.inferencePools().get(0))
                        .reason())
                .isEqualTo("ResolvedRefs");
        ManifestSet none =
                load(StatusWriterTest.POOL.substring(0, StatusWriterTest.POOL.indexOf("  endpointPickerRef")));
        assertThat(StatusWriter.resolvedRefs(none, none.inferencePools().get(0)).status())
                .isEqualTo("True");
    }

    @Test
    void theOldestModelWinsAndTiesGoByOrder() {
        String older = StatusWriterTest.model("z-older", "chat")
                .replace("namespace: app}", "namespace: app, creationTimestamp: \"2026-01-01T00:00:00Z\"}");
        String newer = StatusWriterTest.model("a-newer", "chat")
                .replace("namespace: app}", "namespace: app, creationTimestamp: \"2026-01-02T00:00:00Z\"}");
        ManifestSet set = load(StatusWriterTest.POOL, newer, older, StatusWriterTest.model("other", "summarize"));
        Map<InferenceModel, Optional<InferenceModel>> claims = StatusWriter.modelClaims(set);
        assertThat(claims).hasSize(3);
        claims.forEach((m, winner) -> {
            switch (m.metadata().name()) {
                case "a-newer" ->
                    assertThat(winner).map(w -> w.metadata().name()).contains("z-older");
                default -> assertThat(winner).isEmpty();
            }
        });
    }
}
