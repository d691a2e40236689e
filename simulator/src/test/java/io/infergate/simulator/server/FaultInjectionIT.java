package io.infergate.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.fault.MetricsFault;
import io.infergate.simulator.http.Json;
import io.infergate.simulator.metrics.PrometheusTextParser;
import io.infergate.testing.Patience;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Faults on a real replica: injected errors, crashed streams, added latency, slow metrics, stop and start. */
class FaultInjectionIT {

    private SimReplica replica;
    private OpenAIClient client;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();

    @BeforeEach
    void start() {
        replica = new SimReplica(ReplicaSpec.builder(TestEngines.fast())
                        .seed(3)
                        .http(TestEngines.PATIENT_HTTP)
                        .build())
                .start();
        client = OpenAIOkHttpClient.builder()
                .baseUrl(replica.url() + "/v1")
                .apiKey("x")
                .maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        replica.close();
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(replica.url() + path))
                        .header("content-type", "application/json")
                        .timeout(Patience.EVENTUALLY)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ChatCompletionCreateParams chat(long maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model(replica.models().baseName())
                .addUserMessage("hi")
                .maxCompletionTokens(maxTokens)
                .build();
    }

    @Test
    void errorRateOneAnswersEveryInferenceRequestWithTheChosenStatus() throws Exception {
        replica.faults()
                .set(FaultConfig.NONE
                        .withErrorRate(1)
                        .withErrorStatuses(List.of(503))
                        .withRetryAfterSeconds(2));
        HttpResponse<String> r = post("/v1/completions", "{\"prompt\":\"x\"}");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        assertThat(Json.MAPPER.readTree(r.body()).at("/error/code").asInt()).isEqualTo(503);

        replica.faults().set(FaultConfig.NONE.withErrorRate(1).withErrorStatuses(List.of(429)));
        assertThatThrownBy(() -> client.chat().completions().create(chat(2))).isInstanceOf(RateLimitException.class);
        replica.faults().set(FaultConfig.NONE.withErrorRate(1).withErrorStatuses(List.of(500)));
        assertThatThrownBy(() -> client.chat().completions().create(chat(2)))
                .isInstanceOf(InternalServerException.class);
        assertThat(replica.engine().metrics().requestsReceived()).isZero();

        replica.faults().set(FaultConfig.NONE);
        assertThat(client.chat().completions().create(chat(2)).choices()).hasSize(1);
    }

    @Test
    void crashAfterChunksResetsTheStream() throws Exception {
        replica.faults().set(FaultConfig.NONE.withCrashAfterChunks(3));
        try (RawHttp raw = new RawHttp(replica.port())) {
            raw.post(
                    "/v1/chat/completions",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + "\"max_tokens\":"
                            + TestEngines.ENDLESS_ANSWER_TOKENS + ",\"ignore_eos\":true,\"stream\":true}");
            RawHttp.Ending end = raw.readToEnd();
            assertThat(end.text()).startsWith("HTTP/1.1 200 OK");
            // at most three events: a reset may discard bytes still in flight, so fewer can arrive (the exact
            // count is checked on an embedded channel in GenerationExchangeTest)
            assertThat(end.text().split("data: ", -1).length - 1).isBetween(0, 3);
            assertThat(end.text()).doesNotContain("[DONE]");
        }
        await().untilAsserted(() -> assertThat(replica.engine().metrics().finished(FinishReason.ABORT))
                .isEqualTo(1));

        // the SDK sees a broken stream, not a clean end
        List<ChatCompletionChunk> got = new ArrayList<>();
        assertThatThrownBy(() -> {
                    try (StreamResponse<ChatCompletionChunk> s =
                            client.chat().completions().createStreaming(chat(200))) {
                        s.stream().forEach(got::add);
                    }
                })
                .isInstanceOf(RuntimeException.class);
        assertThat(got.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void addedLatencyDelaysTheFirstByte() throws Exception {
        replica.faults().set(FaultConfig.NONE.withAddedLatencyMs(400));
        long start = System.nanoTime();
        HttpResponse<String> r = post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":1}");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ms).isGreaterThanOrEqualTo(400);
    }

    @Test
    void failingAndGarbledMetrics() throws Exception {
        HttpRequest scrape = HttpRequest.newBuilder(URI.create(replica.url() + "/metrics"))
                .timeout(Patience.EVENTUALLY)
                .GET()
                .build();
        replica.faults().set(FaultConfig.NONE.withMetricsFault(MetricsFault.FAILING));
        assertThat(http.send(scrape, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(500);
        replica.faults().set(FaultConfig.NONE.withMetricsFault(MetricsFault.GARBLED));
        String garbled = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
        assertThatThrownBy(() -> PrometheusTextParser.parse(garbled)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stopResetsConnectionsAndAbortsRequestsThenStartServesOnTheSamePort() throws Exception {
        int port = replica.port();
        try (RawHttp raw = new RawHttp(port)) {
            raw.post(
                    "/v1/completions",
                    "{\"prompt\":\"long\",\"max_tokens\":" + TestEngines.ENDLESS_ANSWER_TOKENS
                            + ",\"ignore_eos\":true,\"stream\":true}");
            raw.readUntil("data: ");
            replica.stop();
            RawHttp.Ending end = raw.readToEnd();
            assertThat(end.text()).doesNotContain("[DONE]");
        }
        assertThat(replica.isListening()).isFalse();
        await().untilAsserted(() -> assertThat(replica.engine().metrics().finished(FinishReason.ABORT))
                .isEqualTo(1));
        assertThatThrownBy(() -> post("/health", "{}")).isInstanceOf(ConnectException.class);

        replica.start();
        assertThat(replica.port()).isEqualTo(port);
        JsonNode ok = Json.MAPPER.readTree(post("/v1/completions", "{\"prompt\":\"back\",\"max_tokens\":2}")
                .body());
        assertThat(ok.at("/usage/completion_tokens").asInt()).isEqualTo(2);
    }
}
