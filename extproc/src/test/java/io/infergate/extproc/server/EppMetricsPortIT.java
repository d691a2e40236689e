package io.infergate.extproc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Manifests;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.pick.PoolId;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The picker's metrics port is {@code serve}'s admin server: Prometheus text with its content type, health and
 * readiness that follow the gRPC health service, and {@code /api/pools} with only the pool it picks for. Real
 * sockets on port 0, plaintext, no scraping.
 */
class EppMetricsPortIT {

    private static final PoolId POOL = new PoolId("inference.networking.k8s.io", "default", "pool");
    private static final String MANIFESTS = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: pool, namespace: default}
            spec:
              selector: {matchLabels: {app: sim}}
              targetPorts: [{number: 8000}]
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: other, namespace: default}
            spec:
              selector: {matchLabels: {app: else}}
              targetPorts: [{number: 8001}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: sim-0, namespace: default, labels: {app: sim}}
            status: {podIP: 127.0.0.1}
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private EppState state;
    private EppServer server;

    @BeforeEach
    void start() {
        state = new EppState(POOL, SchedulingOptions.defaults(), System::nanoTime, () -> new SplittableRandom(1), null);
        server = newServer(0).start();
    }

    private EppServer newServer(int metricsPort) {
        return new EppServer(
                state,
                StreamSettings.defaults(),
                new EppServer.Options("127.0.0.1", 0, 0, metricsPort, Optional.empty(), Duration.ZERO),
                ready::get);
    }

    @AfterEach
    void stop() {
        server.close();
        state.close();
        http.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.boundPorts().get("metrics") + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsArePrometheusTextWithThePickersFamilies() throws Exception {
        state.update(Manifests.load("it.yaml", MANIFESTS).manifests());
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body())
                .contains("inference_pool_ready_pods{name=\"pool\",namespace=\"default\"} 1\n")
                .contains("# TYPE inference_extension_scheduler_e2e_duration_seconds histogram\n");
    }

    @Test
    void healthzAndReadyzFollowThePoolAndTheReadyFlag() throws Exception {
        assertThat(get("/healthz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok\n");
        });
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("InferencePool default/pool is not known yet\n");
        });
        state.update(Manifests.load("it.yaml", MANIFESTS).manifests());
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ready\n");
        });
        ready.set(false);
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("not synced with the cluster yet, or not the leader\n");
        });
    }

    @Test
    void poolsListOnlyThePoolItPicksForAndThereIsNoConfigRoute() throws Exception {
        state.update(Manifests.load("it.yaml", MANIFESTS).manifests());
        HttpResponse<String> pools = get("/api/pools");
        assertThat(pools.statusCode()).isEqualTo(200);
        assertThat(pools.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(pools.body())
                .contains("\"name\" : \"pool\"")
                .contains("\"address\" : \"127.0.0.1:8000\"")
                .doesNotContain("\"name\" : \"other\"");
        assertThat(get("/api/config")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("not found: /api/config (try /api/pools, /healthz, /metrics, /readyz)\n");
        });
    }

    @Test
    void aTakenMetricsPortFailsTheStartAndSaysWhich() {
        int taken = server.boundPorts().get("metrics");
        assertThatThrownBy(() -> newServer(taken).start())
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot bind the endpoint picker's ports: metrics 127.0.0.1:" + taken + ": ");
    }

    @Test
    void noMetricsPortWhenNegative() {
        server.close();
        server = newServer(-1).start();
        assertThat(server.boundPorts()).containsOnlyKeys("grpc", "health");
    }
}
