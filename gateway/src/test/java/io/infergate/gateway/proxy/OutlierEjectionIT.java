package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.testing.Patience;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pool of two replicas, one of which answers every request with 503: after five failed attempts in a row it is
 * ejected, and requests stop going there first (each of them was retried onto the good replica until then).
 */
class OutlierEjectionIT {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    private static final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
    private static EchoUpstream good;
    private static EchoUpstream bad;
    private static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        good = new EchoUpstream("good");
        bad = new EchoUpstream("bad", 503);
        LoadResult r = Manifests.load("test.yaml", """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: echo}}
                  targetPorts: [{number: %d}, {number: %d}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: echo, labels: {app: echo}}
                status: {podIP: 127.0.0.1, phase: Running}
                """.formatted(good.port(), bad.port()));
        assertThat(r.errors()).isEmpty();
        server = new GatewayServer(
                GatewayConfig.compile(r.manifests()), GatewayOptions.defaults().withPortMapper(l -> 0), records::add);
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (bad != null) {
            bad.close();
        }
        if (good != null) {
            good.close();
        }
    }

    @Test
    void aReplicaAnswering503IsEjectedAfterFiveAttemptsInARow() throws Exception {
        int port = server.boundPorts().get("default/gw/http");
        for (int i = 0; i < 40; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                    .header("content-type", "application/json")
                    .header("x-request-id", "r" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"hi\"}"))
                    .build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(200); // the one retry lands on the good replica
        }
        // without ejection the picker would send about half of the 40 there first (each then retried)
        assertThat(bad.requests()).isLessThanOrEqualTo(5);
        List<RequestRecord> retried =
                records.stream().filter(r -> r.attempts() > 1).toList();
        assertThat(retried).hasSize(bad.requests());
    }
}
