package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.gateway.GatewayOptions;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.simulator.server.SimulatorFleet;
import io.infergate.testing.Patience;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP/2 with prior knowledge on a cleartext listener, against simulated replicas; HTTP/1.1 on the same port. */
class GatewayHttp2IT {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static SimulatorFleet fleet;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(12))
                                .loraModules(GatewayFixture.loras())
                                .seed(5)
                                .build()))
                .start();
        List<Integer> ports = fleet.replicas().stream().map(SimReplica::port).toList();
        gw = new GatewayFixture(
                GatewayFixture.manifests(ports, ports.get(0)),
                GatewayOptions.defaults().withMaxRequestBodyBytes(64 * 1024));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private static String chat(String model, int maxTokens, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}],"
                + "\"max_tokens\":" + maxTokens + (stream ? ",\"stream\":true" : "") + "}";
    }

    @Test
    void streamsManyConcurrentRequestsOverOneConnectionWithTheModelRestored() throws Exception {
        try (H2TestClient client = new H2TestClient(gw.port("http"))) {
            List<H2TestClient.Exchange> inFlight = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                inFlight.add(client.send(H2TestClient.post(
                        "/v1/chat/completions", chat("canary", 12, true), "x-request-id", "many-" + i)));
            }
            for (H2TestClient.Exchange ex : inFlight) {
                H2TestClient.Response r = ex.response().get(Patience.SECONDS, TimeUnit.SECONDS);
                assertThat(r.reset()).isFalse();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers().get("content-type")).startsWith("text/event-stream");
                // (a Connection or Transfer-Encoding header on the wire would have failed the stream: Netty's HPACK
                // decoder treats connection-specific fields as a protocol error, so reaching here proves their absence)
                String body = r.body();
                assertThat(body).endsWith("data: [DONE]\n\n");
                List<String> events =
                        body.lines().filter(l -> l.startsWith("data: {")).toList();
                assertThat(events).hasSize(13); // role + 12 tokens
                assertThat(events).allSatisfy(e -> assertThat(e).contains("\"model\":\"canary\""));
            }
            assertThat(client.isOpen()).isTrue();
        }
        Awaitility.await()
                .until(() -> gw.records.stream()
                                .filter(r -> r.requestId().startsWith("many-"))
                                .count()
                        == 20);
        assertThat(gw.records)
                .filteredOn(r -> r.requestId().startsWith("many-"))
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.targetModel()).isIn("lora-v1", "lora-v2");
                    assertThat(r.completionTokens()).isEqualTo(12);
                });
    }

    @Test
    void errorsAreOpenAiBodiesOnTheStreamAndTheConnectionSurvivesThem() throws Exception {
        try (H2TestClient client = new H2TestClient(gw.port("http"))) {
            H2TestClient.Response unknown =
                    client.exchange(H2TestClient.post("/v1/chat/completions", chat("no-such-model", 5, false)));
            assertThat(unknown.status()).isEqualTo(404);
            JsonNode err = JSON.readTree(unknown.body()).path("error");
            assertThat(err.path("message").asString()).contains("no-such-model");
            assertThat(err.path("code").asString()).isEqualTo("model_not_found");

            H2TestClient.Response bad = client.exchange(H2TestClient.post("/v1/chat/completions", "{\"model\":"));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).path("error").path("type").asString())
                    .isEqualTo("invalid_request_error");

            H2TestClient.Response large = client.exchange(H2TestClient.post(
                    "/v1/chat/completions", "{\"model\":\"canary\",\"prompt\":\"" + "x".repeat(70 * 1024) + "\"}"));
            assertThat(large.status()).isEqualTo(413);

            H2TestClient.Response models = client.exchange(H2TestClient.get("/v1/models"));
            assertThat(models.status()).isEqualTo(200);
            assertThat(models.body()).contains("\"canary\"");

            H2TestClient.Response ok = client.exchange(
                    H2TestClient.post("/v1/chat/completions", chat(GatewayFixture.BASE_MODEL, 3, false)));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(JSON.readTree(ok.body()).path("model").asString()).isEqualTo(GatewayFixture.BASE_MODEL);
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void resettingAStreamAbortsItsUpstreamRequestAndLeavesTheOthersRunning() throws Exception {
        String longBody = "{\"model\":\"" + GatewayFixture.BASE_MODEL + "\",\"prompt\":\"go\",\"max_tokens\":10000,"
                + "\"ignore_eos\":true,\"stream\":true}";
        try (H2TestClient client = new H2TestClient(gw.port("http"))) {
            H2TestClient.Exchange doomed =
                    client.send(H2TestClient.post("/v1/completions", longBody, "x-request-id", "h2-reset"));
            Awaitility.await().until(() -> !doomed.chunks().isEmpty());
            doomed.stream().close(); // RST_STREAM
            Awaitility.await()
                    .until(() -> gw.records.stream().anyMatch(r -> r.requestId().equals("h2-reset")));
            assertThat(gw.records)
                    .filteredOn(r -> r.requestId().equals("h2-reset"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(499));
            H2TestClient.Response next = client.exchange(
                    H2TestClient.post("/v1/chat/completions", chat(GatewayFixture.BASE_MODEL, 3, false)));
            assertThat(next.status()).isEqualTo(200);
        }
    }

    @Test
    void http11ClientsShareThePortAndAnH2cUpgradeOfferIsDeclined() throws Exception {
        // the JDK client asks for "Upgrade: h2c" on http:// URLs; we answer in HTTP/1.1, which RFC 9110 allows
        HttpClient jdk =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = jdk.send(
                HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chat(GatewayFixture.BASE_MODEL, 3, false)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(JSON.readTree(r.body()).path("model").asString()).isEqualTo(GatewayFixture.BASE_MODEL);
    }

    @Test
    void shutdownLetsOpenStreamsFinishAndSendsGoaway() throws Exception {
        List<Integer> ports = fleet.replicas().stream().map(SimReplica::port).toList();
        // the drain must outlast the open stream however slowly the machine serves it: this test is not about the
        // drain timeout
        GatewayFixture own = new GatewayFixture(
                GatewayFixture.manifests(ports, ports.get(0)),
                GatewayOptions.defaults().withDrainTimeout(Patience.EVENTUALLY));
        try (H2TestClient client = new H2TestClient(own.port("http"))) {
            H2TestClient.Exchange open = client.send(H2TestClient.post(
                    "/v1/completions",
                    "{\"model\":\""
                            + GatewayFixture.BASE_MODEL + "\",\"prompt\":\"go\",\"max_tokens\":40,\"ignore_eos\":true,"
                            + "\"stream\":true}"));
            Awaitility.await().until(() -> !open.chunks().isEmpty());
            Thread closer = new Thread(own::close, "gateway-close");
            closer.start();
            H2TestClient.Response r = open.response().get(Patience.SECONDS, TimeUnit.SECONDS);
            assertThat(r.reset()).isFalse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
            closer.join(Patience.EVENTUALLY);
            assertThat(closer.isAlive()).isFalse();
            Awaitility.await().until(() -> !client.isOpen());
        } finally {
            own.close();
        }
    }
}
