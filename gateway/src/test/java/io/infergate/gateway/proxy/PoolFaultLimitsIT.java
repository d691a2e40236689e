package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.PoolFaultLimits;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.testing.Patience;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The InferencePool fault-limit annotations on real sockets. Each pool has two replicas that both answer 503, one
 * request at a time: a request tries one replica and retries on the other, so each replica records one failure per
 * request, and which replica the picker tries first does not matter. Once both are past the threshold, half the pool
 * (one replica) is held out and a request has only one target left: one attempt instead of two.
 */
class PoolFaultLimitsIT {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();

    private final List<EchoUpstream> upstreams = new ArrayList<>();
    private final Map<String, ConcurrentLinkedQueue<RequestRecord>> records = new ConcurrentHashMap<>();
    private GatewayServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        upstreams.forEach(EchoUpstream::close);
    }

    private String pool(String name, String annotations) throws Exception {
        EchoUpstream a = new EchoUpstream(name + "-1", 503);
        EchoUpstream b = new EchoUpstream(name + "-2", 503);
        upstreams.add(a);
        upstreams.add(b);
        return """
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: %s%s}
                spec:
                  selector: {matchLabels: {app: echo}}
                  targetPorts: [{number: %d}, {number: %d}]
                """.formatted(
                        name, annotations.isEmpty() ? "" : ", annotations: {" + annotations + "}", a.port(), b.port());
    }

    private static String route(String pool) {
        return """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %1$s}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - matches: [{headers: [{name: x-pool, value: %1$s}]}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: %1$s}]
                """.formatted(pool);
    }

    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: infergate
              listeners: [{name: http, protocol: HTTP, port: 8080}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: echo, labels: {app: echo}}
            status: {podIP: 127.0.0.1, phase: Running}
            """;

    private static GatewayConfig compile(String yaml) {
        LoadResult r = Manifests.load("test.yaml", yaml);
        assertThat(r.errors()).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    /** Sends one request to {@code pool}; returns how many attempts it took. */
    private int attempts(String pool, int i) throws Exception {
        int port = server.boundPorts().get("default/gw/http");
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .header("content-type", "application/json")
                .header("x-pool", pool)
                .header("x-request-id", pool + "-" + i)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"hi\"}"))
                .build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).isEqualTo(503); // the model servers' own answer
        // the record is written as the exchange ends, which may be just after the client has the response
        return await().until(
                        () -> records.getOrDefault(pool, new ConcurrentLinkedQueue<>())
                                .poll(),
                        Objects::nonNull)
                .attempts();
    }

    private void start(String yaml) {
        // ejections far longer than the test: the wall clock cannot end one mid-test
        GatewayOptions options = GatewayOptions.defaults()
                .withPortMapper(l -> 0)
                .withOutliers(new OutlierDetector.Settings(5, Duration.ofHours(1), Duration.ofHours(1), 50));
        server = new GatewayServer(
                compile(yaml),
                options,
                r -> records.computeIfAbsent(
                                r.requestId().substring(0, r.requestId().indexOf('-')),
                                k -> new ConcurrentLinkedQueue<>())
                        .add(r));
        server.start();
    }

    @Test
    void aPoolAnnotatedWithTwoFailuresEjectsAfterTwoWhileAPoolOnTheFlagsWaitsForFive() throws Exception {
        String annotated = pool("fast", "infergate.io/outlier-consecutive-failures: \"2\"");
        String flags = pool("flags", "");
        String yaml = GATEWAY + route("fast") + route("flags") + annotated + flags;
        start(yaml);

        assertThat(attempts("fast", 1)).isEqualTo(2);
        assertThat(attempts("fast", 2)).isEqualTo(2); // both replicas have failed twice: one is held out
        assertThat(attempts("fast", 3)).isEqualTo(1);
        for (int i = 1; i <= 5; i++) {
            assertThat(attempts("flags", i))
                    .as("request %d on the flags' pool", i)
                    .isEqualTo(2);
        }
        assertThat(attempts("flags", 6)).isEqualTo(1);

        // a reload with a bad value is refused before anything is applied: the pool keeps its annotation
        String bad = yaml.replace("outlier-consecutive-failures: \"2\"", "outlier-consecutive-failures: \"two\"");
        // (validation refuses it too, with the same words; the compile is what a reload runs)
        assertThatThrownBy(() ->
                        GatewayConfig.compile(Manifests.load("test.yaml", bad).manifests()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("InferencePool")
                .hasMessageContaining(PoolFaultLimits.CONSECUTIVE_FAILURES)
                .hasMessageContaining("\"two\"");
        assertThat(server.config()
                        .pool(new PoolId("inference.networking.k8s.io", "default", "fast"))
                        .faults()
                        .consecutiveFailures())
                .hasValue(2);
        assertThat(attempts("fast", 4)).isEqualTo(1);
    }

    @Test
    void aPoolAnnotatedWithNoRetryBudgetDoesNotRetryWhileAPoolOnTheFlagsDoes() throws Exception {
        String none = pool("none", "infergate.io/retry-budget-percent: \"0\", infergate.io/retry-budget-min: \"0\"");
        String flags = pool("flags", "");
        start(GATEWAY + route("none") + route("flags") + none + flags);

        assertThat(attempts("none", 1)).isEqualTo(1);
        assertThat(attempts("flags", 1)).isEqualTo(2);
    }
}
