package io.infergate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.BackendRef;
import io.infergate.api.model.ManifestSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Weighted choice between a rule's backendRefs, from real YAML. */
class BackendSetTest {

    private static final long SEED = 20240601L;

    private static BackendSet rule(String backendRefs) {
        String route = """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw, sectionName: http}]
                  rules:
                    - backendRefs: %s
                """.formatted(backendRefs);
        ManifestSet set = TestManifests.load(route);
        return TestManifests.table(set, "http")
                .match(SimpleRequest.of("GET", "/", "h"))
                .orElseThrow()
                .backends();
    }

    private static Map<String, Integer> draw(BackendSet set, int n, RandomGenerator random) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String key = switch (set.choose(random)) {
                case BackendChoice.Picked p -> p.backend().displayName();
                case BackendChoice.Failed f -> f.reason().name();
            };
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void ninetyTenSplitWithinTwoPercent() {
        BackendSet set = rule("[{name: svc, port: 80, weight: 90}, {name: svc2, port: 81, weight: 10}]");
        int n = 100_000;
        Map<String, Integer> counts = draw(set, n, new SplittableRandom(SEED));
        assertThat(counts.keySet()).containsExactlyInAnyOrder("default/svc:80", "default/svc2:81");
        assertThat(counts.get("default/svc:80") / (double) n).isCloseTo(0.90, within(0.02));
        assertThat(counts.get("default/svc2:81") / (double) n).isCloseTo(0.10, within(0.02));
    }

    @Test
    void sameSeedSameSequence() {
        BackendSet set = rule("[{name: svc, port: 80, weight: 1}, {name: svc2, port: 81, weight: 1}]");
        assertThat(draw(set, 1_000, new SplittableRandom(7))).isEqualTo(draw(set, 1_000, new SplittableRandom(7)));
    }

    @Test
    void zeroWeightIsNeverChosen() {
        BackendSet set = rule("[{name: svc, port: 80, weight: 0}, {name: svc2, port: 81, weight: 3},"
                + " {name: pool, group: inference.networking.k8s.io, kind: InferencePool, weight: 0}]");
        assertThat(draw(set, 10_000, new SplittableRandom(SEED))).containsOnlyKeys("default/svc2:81");
        assertThat(set.backends()).as("zero-weight backends are still listed").hasSize(3);
    }

    @Test
    void allWeightsZeroIsA500() {
        BackendSet set = rule("[{name: svc, port: 80, weight: 0}, {name: svc2, port: 81, weight: 0}]");
        assertThat(set.totalWeight()).isZero();
        assertThat(set.choose(new SplittableRandom(SEED)))
                .isInstanceOfSatisfying(
                        BackendChoice.Failed.class,
                        f -> assertThat(f.reason()).isEqualTo(BackendChoice.Reason.ALL_WEIGHTS_ZERO));
    }

    @Test
    void noBackendRefsIsA500() {
        BackendSet set = rule("[]");
        assertThat(set.choose(new SplittableRandom(SEED))).isInstanceOfSatisfying(BackendChoice.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(BackendChoice.Reason.NO_BACKENDS);
            assertThat(f.detail()).contains("HTTPRoute default/r rule 0");
        });
    }

    @Test
    void poolBackendIgnoresPortAndResolvesTheGroup() {
        BackendSet set = rule("[{name: pool, kind: InferencePool, port: 1234}]");
        assertThat(set.backends()).containsExactly(new PoolBackend(ApiGroups.INFERENCE, "default", "pool"));
        assertThat(set.choose(new SplittableRandom(SEED)))
                .isEqualTo(new BackendChoice.Picked(new PoolBackend(ApiGroups.INFERENCE, "default", "pool")));
    }

    @Test
    void singleBackendDoesNotConsumeRandomness() {
        BackendSet set = rule("[{name: svc, port: 80}]");
        RandomGenerator failing = () -> {
            throw new AssertionError("random consulted");
        };
        assertThat(set.choose(failing)).isEqualTo(new BackendChoice.Picked(new ServiceBackend("default", "svc", 80)));
    }

    @Test
    void unresolvedRefKeepsItsShareAsA500() {
        // compiled directly: the validator would reject this manifest, but the table must still be safe
        ManifestSet set = TestManifests.load();
        var refs = List.of(
                new BackendRef("", "Service", "default", "svc", OptionalInt.of(80), 1),
                new BackendRef("", "Service", "default", "gone", OptionalInt.of(80), 1),
                new BackendRef("", "Service", "elsewhere", "svc", OptionalInt.of(80), 1),
                new BackendRef(ApiGroups.INFERENCE, "InferencePool", "default", "pool", OptionalInt.empty(), 1));
        BackendSet tcp = BackendSet.compile(refs, set, "default", "TCPRoute default/t rule 0", false);
        Map<String, Integer> counts = draw(tcp, 40_000, new SplittableRandom(SEED));
        assertThat(counts).containsOnlyKeys("default/svc:80", "INVALID_BACKEND");
        assertThat(counts.get("INVALID_BACKEND") / 40_000.0).isCloseTo(0.75, within(0.02));
        assertThat(tcp.options())
                .extracting(o -> o.choice() instanceof BackendChoice.Failed f ? f.detail() : "ok")
                .containsExactly(
                        "ok",
                        "TCPRoute default/t rule 0 backendRefs[1]: Service default/gone is not declared",
                        "TCPRoute default/t rule 0 backendRefs[2]: points into namespace elsewhere (ReferenceGrant"
                                + " is not supported)",
                        "TCPRoute default/t rule 0 backendRefs[3]: kind InferencePool of group \"" + ApiGroups.INFERENCE
                                + "\" is not supported");
    }
}
