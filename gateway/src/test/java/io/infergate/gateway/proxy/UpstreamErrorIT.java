package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A model server's 5xx that is not retried (here: a Service of one endpoint, so no endpoint is left) reaches the
 * client as the gateway's own mapped error, with nothing of the model server's answer; a 4xx is the client's error
 * and passes through as the model server sent it.
 */
class UpstreamErrorIT {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();

    @ParameterizedTest
    @CsvSource({"500, 502", "501, 502", "502, 502", "503, 503", "504, 504", "599, 502"})
    void aFinalUpstream5xxIsMapped(int upstream, int expected) throws Exception {
        ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
        try (EchoUpstream echo = new EchoUpstream("secret-upstream", upstream);
                Gateway gw = new Gateway(echo.port(), records)) {
            HttpResponse<String> r = gw.post();
            assertThat(r.statusCode()).isEqualTo(expected);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(r.body())
                    .startsWith("{\"error\":{")
                    .contains("\"type\":\"server_error\"", "\"code\":\"upstream_error\"")
                    // the echo's body lists the request's headers; none of it may reach the client
                    .doesNotContain("content-length:", "x-request-id:");
            assertThat(r.headers().firstValue("x-upstream")).isEmpty();
            await().until(() -> !records.isEmpty()); // recorded just after the answer was written
            assertThat(records).singleElement().satisfies(rec -> {
                assertThat(rec.status()).isEqualTo(expected);
                assertThat(rec.errorType()).isEqualTo("server_error");
            });
        }
    }

    @ParameterizedTest
    @CsvSource({"400", "404", "422"})
    void anUpstream4xxPassesThrough(int upstream) throws Exception {
        ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
        try (EchoUpstream echo = new EchoUpstream("echo", upstream);
                Gateway gw = new Gateway(echo.port(), records)) {
            HttpResponse<String> r = gw.post();
            assertThat(r.statusCode()).isEqualTo(upstream);
            assertThat(r.headers().firstValue("x-upstream")).hasValue("echo");
            assertThat(r.body()).contains("content-length:");
        }
    }

    /** A gateway routing everything to a Service of one endpoint, the echo. */
    private static final class Gateway implements AutoCloseable {
        private final GatewayServer server;

        Gateway(int echoPort, ConcurrentLinkedQueue<RequestRecord> records) {
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
                        - backendRefs: [{name: svc, port: 80}]
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: svc}
                    spec:
                      selector: {app: echo}
                      ports: [{port: 80, targetPort: %d}]
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: a, labels: {app: echo}}
                    status: {podIP: 127.0.0.1, phase: Running}
                    """.formatted(echoPort));
            assertThat(r.errors()).isEmpty();
            server = new GatewayServer(
                    GatewayConfig.compile(r.manifests()),
                    GatewayOptions.defaults().withPortMapper(l -> 0),
                    records::add);
            server.start();
        }

        HttpResponse<String> post() throws Exception {
            int port = server.boundPorts().get("default/gw/http");
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                            .timeout(Patience.EVENTUALLY)
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
