package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.RetryBudget;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.testing.Patience;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The retry budget on real sockets: ten requests held at once, round-robin over a Service whose first replica
 * answers 503 and whose second holds its answers. Five start on the failing replica; with ten requests active the
 * budget is max(3, 20 % of 10) = 3 retrying at once, so three move on to the second replica and two get the 503.
 */
class RetryBudgetIT {

    private static final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Patience.EVENTUALLY)
            .build();

    @Test
    void aFailingReplicaCannotDoubleTheLoadBeyondTheBudget() throws Exception {
        fiveFailOnTheBadReplica(GatewayOptions.defaults(), 3);
    }

    /** {@code serve --retry-budget-percent 0 --retry-budget-min 1}: one request at a time may retry. */
    @Test
    void theBudgetIsTheGatewaysSetting() throws Exception {
        fiveFailOnTheBadReplica(GatewayOptions.defaults().withRetryBudget(new RetryBudget(0, 1)), 1);
    }

    /** Ten requests, five held by the replica that will answer 503: {@code retries} of them move on. */
    private static void fiveFailOnTheBadReplica(GatewayOptions options, int retries) throws Exception {
        CountDownLatch badGate = new CountDownLatch(1);
        CountDownLatch goodGate = new CountDownLatch(1);
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2");
        try (EchoUpstream bad = new EchoUpstream("bad", 503, new InetSocketAddress(one, 0), badGate);
                EchoUpstream good = new EchoUpstream("good", 200, new InetSocketAddress(two, bad.port()), goodGate)) {
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
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: b, labels: {app: echo}}
                    status: {podIP: 127.0.0.2, phase: Running}
                    """.formatted(bad.port()));
            assertThat(r.errors()).isEmpty();
            GatewayServer server =
                    new GatewayServer(GatewayConfig.compile(r.manifests()), options.withPortMapper(l -> 0), rec -> {});
            server.start();
            try {
                int port = server.boundPorts().get("default/gw/http");
                List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    responses.add(http.sendAsync(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                // all ten forwarded and held before the first failure: the budget sees ten active requests
                await().until(() -> bad.requests() + good.requests() == 10);
                assertThat(bad.requests()).isEqualTo(5);
                badGate.countDown();
                await().until(() ->
                        responses.stream().filter(CompletableFuture::isDone).count() == 5 - retries
                                && good.requests() == 5 + retries);
                goodGate.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (CompletableFuture<HttpResponse<String>> f : responses) {
                    statuses.add(f.get().statusCode());
                }
                assertThat(statuses).filteredOn(s -> s == 503).hasSize(5 - retries);
                assertThat(statuses).filteredOn(s -> s == 200).hasSize(5 + retries);
            } finally {
                server.close();
            }
        }
    }
}
