package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.infergate.app.epp.EppLauncher;
import io.infergate.app.epp.EppRuntime;
import io.infergate.app.serve.ServeLauncher;
import io.infergate.app.serve.ServeRuntime;
import io.infergate.extproc.server.StreamSettings;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.kubernetes.MockCluster;
import io.infergate.kubernetes.WatchScope;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.testing.Patience;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode end to end against the fabric8 mock API server (CRUD mode, our CRDs installed): objects created,
 * changed and deleted through the API show up in routing, for {@code serve --kubernetes} and for {@code epp}; the
 * gateway writes the InferencePool's parent status. How fast a change shows up is not measured here: on a loaded
 * machine it can take seconds, so the test waits with {@link Patience}.
 */
class ClusterModeIT {

    private MockCluster cluster;
    private SimReplica replica;
    private ServeRuntime serve;
    private EppRuntime epp;
    private ManagedChannel channel;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        cluster = new MockCluster();
        replica = new SimReplica(ReplicaSpec.builder(Preset.DEFAULT.config().toBuilder()
                                .servedModelName("base")
                                .outputLengths(new OutputLengthDistribution.Fixed(2))
                                .frontendOverheadNanos(0)
                                .build())
                        .port(0)
                        .build())
                .start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (serve != null) {
            serve.close();
        }
        if (epp != null) {
            epp.close();
        }
        if (replica != null) {
            replica.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private String pod(boolean ready) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: sim-0, namespace: llm, labels: {app: sim}}
                spec: {containers: [{name: sim, image: sim}]}
                status:
                  phase: Running
                  podIP: 127.0.0.1
                  conditions: [{type: Ready, status: "%s"}]
                """.formatted(ready ? "True" : "False");
    }

    private String pool() {
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, namespace: llm}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: %d}]
                """.formatted(replica.port());
    }

    private int status(int port) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                                    .header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"model\":\"base\",\"prompt\":\"hi\",\"max_tokens\":2}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void serveFollowsTheClusterAndWritesPoolStatus() {
        ServeLauncher launcher = new ServeLauncher(
                "127.0.0.1",
                "127.0.0.1",
                -1,
                1 << 20,
                Duration.ofSeconds(2),
                Duration.ofMillis(50),
                true,
                SchedulingOptions.defaults().withMetricsInterval(Duration.ofMillis(20)));
        serve = launcher.startCluster(
                WatchScope.forServe(Optional.empty(), Set.of("infergate"), true),
                "infergate.io/gateway-controller",
                Optional.empty(),
                Optional.of(cluster.client));
        await().until(serve::isServing);

        cluster.apply(pool());
        cluster.apply(pod(true));
        cluster.apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: llm}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                """);
        cluster.apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: llm, namespace: llm}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                """);
        await().until(() -> serve.boundPorts().containsKey("llm/gw/http"));
        int port = serve.boundPorts().get("llm/gw/http");
        await().until(() -> status(port) == 200);

        // the gateway is the pool's parent, Accepted and ResolvedRefs
        await().untilAsserted(() -> {
            GenericKubernetesResource p = cluster.get(WatchScope.POOL_V1, "llm", "pool");
            @SuppressWarnings("unchecked")
            Map<String, Object> status =
                    (Map<String, Object>) p.getAdditionalProperties().get("status");
            assertThat(status).isNotNull();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> parents = (List<Map<String, Object>>) status.get("parents");
            assertThat(parents).hasSize(1);
            assertThat(parents.get(0).get("controllerName")).isEqualTo("infergate.io/gateway-controller");
            assertThat(parents.get(0).toString())
                    .contains("type=Accepted")
                    .contains("reason=Accepted")
                    .contains("type=ResolvedRefs");
        });

        // one user's broken object is left out; everyone else's changes keep applying
        cluster.apply(
                pool().replace("name: pool", "name: broken").replace("number: " + replica.port(), "number: 70000"));
        cluster.apply(pod(false)); // changed: the only pod is not ready any more
        await().until(() -> status(port) == 503);
        cluster.apply(pod(true));
        await().until(() -> status(port) == 200);
        cluster.delete(WatchScope.HTTP_ROUTE, "llm", "llm"); // deleted: no route
        await().until(() -> status(port) == 404);
    }

    @Test
    void eppFollowsItsPoolInTheCluster() throws Exception {
        EppLauncher launcher = new EppLauncher(
                SchedulingOptions.defaults().withMetricsInterval(Duration.ZERO),
                StreamSettings.defaults(),
                Optional.empty(),
                "127.0.0.1",
                0,
                0,
                -1,
                false,
                Optional.empty(),
                Duration.ofMillis(50));
        epp = launcher.startCluster(
                new PoolId("inference.networking.k8s.io", "llm", "pool"), false, "llm", Optional.of(cluster.client));
        channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", epp.server().boundPorts().get("grpc"), InsecureChannelCredentials.create())
                .build();
        // no pool yet. (Readiness is left alone here: it turns SERVING when the informers have synced, pool or no
        // pool, which races this first pick; that it waits for the sync is ClusterMode's, tested in kubernetes.)
        assertThat(EnvoyProbe.headerOnlyPick(channel)).isEqualTo("status 500");

        cluster.apply(pool());
        cluster.apply(pod(true));
        await().until(() -> EnvoyProbe.headerOnlyPick(channel).equals("127.0.0.1:" + replica.port()));
        assertThat(epp.server().health().status("readiness").name()).isEqualTo("SERVING");

        cluster.delete(WatchScope.POD, "llm", "sim-0");
        await().until(() -> EnvoyProbe.headerOnlyPick(channel).equals("status 500"));
    }
}
