package io.infergate.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.api.load.LoadResult;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.PoolEndpoint;
import io.infergate.testing.Patience;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClusterWatchTest {

    static final String POOL = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: vllm-qwen3-32b, namespace: ml}
            spec:
              selector:
                matchLabels: {app: vllm-qwen3-32b}
              targetPorts:
                - number: 8000
              endpointPickerRef:
                name: vllm-qwen3-32b-epp
                port: {number: 9002}
                failureMode: FailOpen
            """;

    static String pod(String name, String ip, boolean ready) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: ml, labels: {app: vllm-qwen3-32b}}
                spec:
                  containers: [{name: vllm, image: vllm/vllm-openai, ports: [{containerPort: 8000}]}]
                status:
                  phase: Running
                  podIP: %s
                  hostIP: 192.168.0.1
                  conditions:
                    - {type: Initialized, status: "True", lastTransitionTime: "2026-01-01T00:00:00Z"}
                    - {type: Ready, status: "%s", lastTransitionTime: "2026-01-01T00:00:00Z"}
                  containerStatuses: [{name: vllm, ready: true, restartCount: 0, image: x, imageID: y}]
                """.formatted(name, ip, ready ? "True" : "False");
    }

    static final String MODEL = """
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModel
            metadata: {name: chat, namespace: ml}
            spec:
              modelName: chat
              criticality: Critical
              poolRef: {name: vllm-qwen3-32b}
            """;

    /** Collects results; the latest one is what the gateway would serve. */
    static final class Latest {
        final AtomicReference<LoadResult> result = new AtomicReference<>();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger concurrent = new AtomicInteger();
        volatile boolean overlapped;

        void accept(LoadResult r) {
            if (concurrent.incrementAndGet() > 1) {
                overlapped = true;
            }
            result.set(r);
            calls.incrementAndGet();
            concurrent.decrementAndGet();
        }

        ManifestSet set() {
            LoadResult r = result.get();
            return r == null ? ManifestSet.empty() : r.manifests();
        }

        List<String> endpoints() {
            ManifestSet s = set();
            return s.inferencePools().stream()
                    .flatMap(p -> s.endpoints(p).stream())
                    .map(PoolEndpoint::address)
                    .sorted()
                    .toList();
        }
    }

    private static ClusterWatch watch(MockCluster c, WatchScope scope, Latest latest) {
        return ClusterWatch.builder(c.client, scope)
                .debounce(Duration.ofMillis(20))
                .onChange(latest::accept)
                .build();
    }

    @Test
    void createdChangedAndDeletedObjectsReachTheSet() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(POOL);
            c.apply(pod("vllm-0", "10.0.0.1", true));
            Latest latest = new Latest();
            try (ClusterWatch w = watch(c, WatchScope.forServe(Optional.empty()), latest)) {
                w.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                assertThat(w.hasSynced()).isTrue();
                await().until(() -> latest.result.get() != null);
                assertThat(latest.result.get().errors()).isEmpty();
                assertThat(latest.endpoints()).containsExactly("10.0.0.1");
                InferencePool pool = latest.set().inferencePools().get(0);
                assertThat(pool.origin().location().file()).isEqualTo("cluster:InferencePool/ml/vllm-qwen3-32b");
                assertThat(pool.metadata().creationTimestamp()).isPresent();

                c.apply(pod("vllm-1", "10.0.0.2", true));
                await().until(() -> latest.endpoints().size() == 2);
                assertThat(latest.endpoints()).containsExactly("10.0.0.1", "10.0.0.2");

                c.apply(pod("vllm-1", "10.0.0.2", false)); // not Ready any more
                await().until(() -> latest.endpoints().equals(List.of("10.0.0.1")));

                var terminating = c.get(WatchScope.POD, "ml", "vllm-0");
                terminating.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
                c.client.resource(terminating).update();
                await().until(() -> latest.endpoints().isEmpty());
                assertThat(latest.set().pods())
                        .extracting(p -> p.metadata().name())
                        .containsExactly("vllm-1");

                c.apply(MODEL);
                await().until(() -> latest.set().inferenceModels().size() == 1);
                InferenceModel m = latest.set().inferenceModels().get(0);
                assertThat(m.modelName()).isEqualTo("chat");
                assertThat(m.criticality()).contains(InferenceModel.Criticality.CRITICAL);

                c.delete(WatchScope.INFERENCE_MODEL, "ml", "chat");
                await().until(() -> latest.set().inferenceModels().isEmpty());
                assertThat(latest.result.get().errors()).isEmpty();
                assertThat(latest.overlapped).isFalse();
            }
        }
    }

    @Test
    void kindsWhoseCrdIsMissingDoNotBlockSync() throws Exception {
        try (MockCluster c = new MockCluster(
                List.of("/apis/inference.networking.x-k8s.io/", "/apis/gateway.networking.k8s.io/v1alpha2/"))) {
            c.apply(POOL);
            c.apply(pod("vllm-0", "10.0.0.1", true));
            Latest latest = new Latest();
            try (ClusterWatch w = watch(c, WatchScope.forServe(Optional.empty()), latest)) {
                w.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                assertThat(w.absentKinds())
                        .containsExactlyInAnyOrder(
                                WatchScope.POOL_V1ALPHA2,
                                WatchScope.INFERENCE_MODEL,
                                WatchScope.INFERENCE_OBJECTIVE,
                                WatchScope.INFERENCE_MODEL_REWRITE,
                                WatchScope.TCP_ROUTE);
                await().until(() -> latest.endpoints().equals(List.of("10.0.0.1")));
                c.apply(pod("vllm-1", "10.0.0.2", true));
                await().until(() -> latest.endpoints().size() == 2);
            }
        }
    }

    @Test
    void pickerScopeKeepsOnlyItsPoolAndNamespace() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(POOL);
            c.apply(POOL.replace("name: vllm-qwen3-32b, namespace: ml", "name: other, namespace: ml"));
            c.apply(POOL.replace("namespace: ml", "namespace: elsewhere"));
            c.apply(pod("vllm-0", "10.0.0.1", true));
            c.apply(pod("vllm-9", "10.0.0.9", true).replace("namespace: ml", "namespace: elsewhere"));
            c.apply(MODEL);
            Latest latest = new Latest();
            try (ClusterWatch w =
                    watch(c, WatchScope.forPicker("ml", "vllm-qwen3-32b", "inference.networking.k8s.io"), latest)) {
                w.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() -> latest.result.get() != null);
                ManifestSet set = latest.set();
                assertThat(set.inferencePools())
                        .extracting(p ->
                                p.metadata().namespace() + "/" + p.metadata().name())
                        .containsExactly("ml/vllm-qwen3-32b");
                assertThat(set.pods()).extracting(p -> p.metadata().name()).containsExactly("vllm-0");
                assertThat(set.inferenceModels()).hasSize(1);
                assertThat(set.gateways()).isEmpty();
            }
        }
    }

    @Test
    void gatewaysOfOtherClassesAreLeftOut() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(gateway("ours", "infergate"));
            c.apply(gateway("theirs", "istio"));
            c.apply(StatusWriterTest.route("to-ours", "ours", "inference.networking.k8s.io", "p")
                    .replace("namespace: app", "namespace: infra"));
            c.apply(StatusWriterTest.route("to-theirs", "theirs", "inference.networking.k8s.io", "p")
                    .replace("namespace: app", "namespace: infra"));
            c.apply(POOL.replace("name: vllm-qwen3-32b, namespace: ml", "name: p, namespace: infra"));
            Latest latest = new Latest();
            try (ClusterWatch w =
                    watch(c, WatchScope.forServe(Optional.of("infra"), Set.of("infergate"), false), latest)) {
                w.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() -> latest.result.get() != null);
                assertThat(latest.set().gateways())
                        .extracting(g -> g.metadata().name())
                        .containsExactly("ours");
                assertThat(latest.set().httpRoutes())
                        .extracting(r -> r.metadata().name())
                        .containsExactly("to-ours");
                assertThat(latest.result.get().errors()).isEmpty();
            }
        }
    }

    @Test
    void problemsNameTheClusterObject() throws Exception {
        try (MockCluster c = new MockCluster()) {
            c.apply(POOL.replace("targetPorts:", "unknownField: 1\n  targetPorts:"));
            Latest latest = new Latest();
            try (ClusterWatch w = watch(c, WatchScope.forServe(Optional.of("ml")), latest)) {
                w.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(() -> latest.result.get() != null);
                assertThat(latest.result.get().errors())
                        .isNotEmpty()
                        .allSatisfy(p ->
                                assertThat(p.location().file()).isEqualTo("cluster:InferencePool/ml/vllm-qwen3-32b"));
            }
        }
    }

    static String gateway(String name, String className) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: %s, namespace: infra}
                spec:
                  gatewayClassName: %s
                  listeners:
                    - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
                """.formatted(name, className);
    }
}
