package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.RequestRecord;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.simulator.server.SimulatorFleet;
import io.infergate.testing.Patience;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Three simulated replicas behind the gateway, on ephemeral ports, driven by the OpenAI SDK and raw HTTP. */
class GatewayProxyIT {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static SimulatorFleet fleet;
    private static GatewayFixture gw;
    private static OpenAIClient sdk;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();

    @BeforeAll
    static void start() {
        fleet = new SimulatorFleet(new FleetSpec(
                        3,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(12))
                                .loraModules(GatewayFixture.loras())
                                .seed(11)
                                .build()))
                .start();
        List<Integer> ports = fleet.replicas().stream().map(SimReplica::port).toList();
        // one event loop and one seeded generator. (The picker's tie-breaks draw from it too, as often as the
        // endpoints happen to tie, which depends on timing: so the split is not exactly reproducible, and the test
        // asserts it within bounds five standard deviations wide.)
        SplittableRandom seeded = new SplittableRandom(42);
        gw = new GatewayFixture(
                GatewayFixture.manifests(ports, ports.get(0)),
                GatewayOptions.defaults().withEventLoopThreads(1).withRandom(() -> seeded));
        sdk = OpenAIOkHttpClient.builder()
                .baseUrl(gw.url() + "/v1")
                .apiKey("x")
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        if (sdk != null) {
            sdk.close();
        }
        if (gw != null) {
            gw.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private static HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(String model, int maxTokens, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}],"
                + "\"max_tokens\":" + maxTokens + (stream ? ",\"stream\":true" : "") + "}";
    }

    private static RequestRecord recordOf(String requestId) {
        return gw.records.stream()
                .filter(r -> r.requestId().equals(requestId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void sdkNonStreamingThroughTheGateway() {
        ChatCompletion c = sdk.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(GatewayFixture.BASE_MODEL)
                        .addUserMessage("Hello there, how are you?")
                        .maxCompletionTokens(5)
                        .build());
        assertThat(c.model()).isEqualTo(GatewayFixture.BASE_MODEL);
        assertThat(c.choices().get(0).message().content())
                .hasValueSatisfying(t -> assertThat(t).isNotBlank());
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
    }

    @Test
    void sdkStreamingWithUsageAndTheModelRestoredInEveryChunk() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("canary")
                .addUserMessage("Tell me a story")
                .maxCompletionTokens(50)
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream =
                sdk.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        assertThat(chunks).hasSize(14); // role, 12 tokens, usage
        assertThat(chunks).extracting(ChatCompletionChunk::model).containsOnly("canary");
        assertThat(chunks.get(13).usage())
                .hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(12));
    }

    @Test
    void streamedRecordHasTtftTokensAndTargetModel() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chat("canary", 50, true), "x-request-id", "rec-1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> events =
                r.body().lines().filter(l -> l.startsWith("data: {")).toList();
        assertThat(events)
                .hasSize(13)
                .allSatisfy(e -> assertThat(e).contains("\"model\":\"canary\"").doesNotContain("lora-v"));
        Awaitility.await()
                .until(() -> gw.records.stream().anyMatch(x -> x.requestId().equals("rec-1")));
        RequestRecord rec = recordOf("rec-1");
        assertThat(rec.status()).isEqualTo(200);
        assertThat(rec.incomingModel()).isEqualTo("canary");
        assertThat(rec.targetModel()).isIn("lora-v1", "lora-v2");
        assertThat(rec.pool()).isEqualTo("default/pool");
        assertThat(rec.ttftNanos()).isPositive().isLessThan(rec.durationNanos());
        assertThat(rec.completionTokens()).isEqualTo(12);
        assertThat(rec.errorType()).isNull();
        assertThat(rec.attempts()).isEqualTo(1);
    }

    @Test
    void nonStreamedRecordHasNoTtftButTokensAndDuration() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chat("canary", 50, false), "x-request-id", "rec-2");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        Awaitility.await()
                .until(() -> gw.records.stream().anyMatch(x -> x.requestId().equals("rec-2")));
        RequestRecord rec = recordOf("rec-2");
        assertThat(rec.status()).isEqualTo(200);
        // a JSON body arrives after the last token: its first byte is not a first token (see RequestRecord)
        assertThat(rec.ttftNanos()).isEqualTo(-1);
        assertThat(rec.durationNanos()).isPositive();
        assertThat(rec.completionTokens()).isEqualTo(12);
    }

    @Test
    void ninetyTenSplitOverAThousandRequestsWithTheNameRestoredInJson() throws Exception {
        int n = 1000;
        Semaphore window = new Semaphore(32);
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            window.acquireUninterruptibly();
            HttpRequest req = HttpRequest.newBuilder(URI.create(gw.url() + "/v1/completions"))
                    .header("content-type", "application/json")
                    .header("x-request-id", "split-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"canary\",\"prompt\":\"hi\",\"max_tokens\":1}"))
                    .build();
            all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((x, e) -> window.release()));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.join();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            // the simulator answers with the adapter it served; the client must see the name it sent
            assertThat(JSON.readTree(r.body()).get("model").asString()).isEqualTo("canary");
        }
        Awaitility.await()
                .until(() -> gw.records.stream()
                                .filter(r -> r.requestId().startsWith("split-"))
                                .count()
                        == n);
        var byTarget = gw.records.stream()
                .filter(r -> r.requestId().startsWith("split-"))
                .collect(Collectors.groupingBy(RequestRecord::targetModel, Collectors.counting()));
        assertThat(byTarget.keySet()).containsExactlyInAnyOrder("lora-v1", "lora-v2");
        assertThat(byTarget.get("lora-v1") / (double) n).isBetween(0.85, 0.95);
        assertThat(byTarget.get("lora-v2") / (double) n).isBetween(0.05, 0.15);
    }

    @Test
    void modelsListIsAnsweredByTheGateway() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(gw.url() + "/v1/models"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("object").asString()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        body.get("data").forEach(m -> ids.add(m.get("id").asString()));
        assertThat(ids).containsExactlyInAnyOrder("canary", GatewayFixture.BASE_MODEL);
        assertThat(sdk.models().list().data()).extracting(m -> m.id()).contains("canary");
    }

    @Test
    void errorCasesOnTheWire() throws Exception {
        assertError(post("/v1/chat/completions", "{\"model\": "), 400, "invalid_body");
        assertError(post("/v1/chat/completions", "{\"messages\":[]}"), 400, "missing_model");
        assertError(post("/nowhere", chat(GatewayFixture.BASE_MODEL, 1, false)), 404, "route_not_found");
        assertError(post("/v1/chat/completions", chat("no-such-model", 1, false)), 404, "model_not_found");
        assertError(post("/v1/chat/completions", chat("ghost", 1, false)), 503, "no_ready_endpoint");
        assertThatThrownBy(() -> sdk.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("no-such-model")
                                .addUserMessage("hi")
                                .build()))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.getMessage()).contains("no-such-model"));
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.get("type").asString()).isNotBlank();
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void clientDisconnectAbortsTheUpstreamRequest() throws Exception {
        long abortsBefore = totalAborts();
        String body = "{\"model\":\"" + GatewayFixture.BASE_MODEL + "\",\"prompt\":\"go\",\"max_tokens\":10000,"
                + "\"ignore_eos\":true,\"stream\":true}";
        try (Socket s = new Socket("127.0.0.1", gw.port("http"))) {
            s.setSoTimeout((int) Patience.EVENTUALLY.toMillis()); // only against a hang: the first event must come
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!seen.toString().contains("data: {")) {
                int k = in.read(buf);
                assertThat(k).isPositive();
                seen.append(new String(buf, 0, k, StandardCharsets.US_ASCII));
            }
        }
        Awaitility.await().until(() -> totalAborts() > abortsBefore);
        Awaitility.await().until(() -> gw.server.activeRequests() == 0);
        assertThat(gw.records).anySatisfy(r -> assertThat(r.status()).isEqualTo(499));
    }

    private static long totalAborts() {
        return fleet.replicas().stream()
                .mapToLong(r -> r.engine().metrics().finished(FinishReason.ABORT))
                .sum();
    }

    @Test
    void tcpListenerProxiesBytesBothWays() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.port("tcp"))) {
            s.getOutputStream()
                    .write("GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // the replica itself answered: its list has the adapters, not our incoming names
            assertThat(response).startsWith("HTTP/1.1 200").contains("lora-v1").doesNotContain("canary");
        }
    }
}
