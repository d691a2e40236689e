package io.infergate.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.http.Json;
import io.infergate.simulator.metrics.PrometheusTextParser;
import io.infergate.testing.Patience;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** One replica on an ephemeral port, exercised through the official OpenAI Java SDK and raw HTTP. */
class SimReplicaIT {

    private static SimReplica replica;
    private static OpenAIClient client;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    private static String model;

    @BeforeAll
    static void start() {
        replica = new SimReplica(ReplicaSpec.builder(TestEngines.fast())
                        .modelRoot("/models/llama-3.1-8b")
                        .loraModules(Map.of("static-lora", "/adapters/static"))
                        .seed(7)
                        .http(TestEngines.PATIENT_HTTP)
                        .build())
                .start();
        client = OpenAIOkHttpClient.builder()
                .baseUrl(replica.url() + "/v1")
                .apiKey("x")
                .maxRetries(0)
                .build();
        model = replica.models().baseName();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (replica != null) {
            replica.close();
        }
    }

    private static HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(replica.url() + path))
                        .header("content-type", "application/json")
                        .timeout(Patience.EVENTUALLY)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(replica.url() + path))
                        .timeout(Patience.EVENTUALLY)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void chatCompletionThroughTheSdk() {
        ChatCompletion c = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(model)
                        .addUserMessage("Hello there, how are you?")
                        .maxCompletionTokens(5)
                        .build());
        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.model()).isEqualTo(model);
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content())
                .hasValueSatisfying(t -> assertThat(t).isNotBlank());
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage()).hasValueSatisfying(u -> {
            assertThat(u.completionTokens()).isEqualTo(5);
            assertThat(u.promptTokens()).isPositive();
            assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + 5);
        });
    }

    @Test
    void chatStreamThroughTheSdkWithUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("Tell me a story")
                .maxCompletionTokens(50)
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        // role chunk, 12 tokens (the fixed output length is below max_tokens, so it stops), usage chunk
        assertThat(chunks).hasSize(14);
        assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
        StringBuilder text = new StringBuilder();
        chunks.forEach(
                ch -> ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isNotBlank();
        ChatCompletionChunk last = chunks.get(12);
        assertThat(last.choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk usage = chunks.get(13);
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage())
                .hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(12));
        assertThat(chunks)
                .extracting(ChatCompletionChunk::id)
                .containsOnly(chunks.get(0).id());
    }

    @Test
    void completionAndCompletionStreamThroughTheSdk() {
        Completion c = client.completions()
                .create(CompletionCreateParams.builder()
                        .model(model)
                        .prompt("Once upon a time")
                        .maxTokens(4)
                        .build());
        assertThat(c.id()).startsWith("cmpl-");
        assertThat(c.choices().get(0).text()).isNotBlank();
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("length");
        assertThat(c.usage())
                .hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(4));

        StringBuilder text = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        try (StreamResponse<Completion> stream = client.completions()
                .createStreaming(CompletionCreateParams.builder()
                        .model(model)
                        .prompt("Once upon a time")
                        .maxTokens(3)
                        .build())) {
            stream.stream()
                    .forEach(chunk -> chunk.choices().forEach(choice -> {
                        text.append(choice.text());
                        choice._finishReason().asKnown().ifPresent(f -> finishReasons.add(f.asString()));
                    }));
        }
        assertThat(text.toString().split("(?= )|(?<=[.,;:!?])")).hasSizeGreaterThanOrEqualTo(1);
        assertThat(finishReasons).containsExactly("length");
    }

    @Test
    void aRepeatedPromptHitsThePrefixCache() throws Exception {
        String prompt =
                "The same prompt, long enough to fill a few KV blocks: " + "lorem ipsum dolor sit amet ".repeat(20);
        JsonNode first =
                Json.MAPPER.readTree(post("/v1/completions", "{\"prompt\":\"" + prompt + "\",\"max_tokens\":3}")
                        .body());
        JsonNode second =
                Json.MAPPER.readTree(post("/v1/completions", "{\"prompt\":\"" + prompt + "\",\"max_tokens\":3}")
                        .body());
        assertThat(second.at("/usage/prompt_tokens").asInt())
                .isEqualTo(first.at("/usage/prompt_tokens").asInt());
        assertThat(second.at("/usage/prompt_tokens_details/cached_tokens").asInt())
                .isGreaterThan(0);
        assertThat(second.at("/model").asString()).isEqualTo(model); // no model in the request: the base model
    }

    @Test
    void unknownModelIs404ThroughTheSdkAndOnTheWire() throws Exception {
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("no-such-model")
                                .addUserMessage("hi")
                                .build()))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        e -> assertThat(e.getMessage()).contains("The model `no-such-model` does not exist."));
        HttpResponse<String> r = post(
                "/v1/chat/completions",
                "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body())
                .isEqualTo("{\"error\":{\"message\":\"The model `no-such-model` does not exist.\","
                        + "\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}}");
    }

    @Test
    void malformedJsonIs400AndTheConnectionStaysUsable() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(r.body()).at("/error/code").asInt()).isEqualTo(400);
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model(model)
                                .addUserMessage("x".repeat(70_000))
                                .build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("maximum context length is 16368 tokens"));
    }

    @Test
    void loraLoadRequestUnloadAndModelsListing() throws Exception {
        HttpResponse<String> load =
                post("/v1/load_lora_adapter", "{\"lora_name\":\"sql-lora\",\"lora_path\":\"/adapters/sql\"}");
        assertThat(load.statusCode()).isEqualTo(200);
        assertThat(load.body()).isEqualTo("Success: LoRA adapter 'sql-lora' added successfully.");

        HttpResponse<String> again =
                post("/v1/load_lora_adapter", "{\"lora_name\":\"sql-lora\",\"lora_path\":\"/adapters/sql\"}");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(again.body()).at("/error/message").asString())
                .isEqualTo("The lora adapter 'sql-lora' has already been loaded. If you want to load the adapter in "
                        + "place, set 'load_inplace' to True.");

        JsonNode models = Json.MAPPER.readTree(get("/v1/models").body());
        assertThat(models.get("data"))
                .extracting(n -> n.get("id").asString())
                .containsExactly(model, "static-lora", "sql-lora");
        JsonNode adapter = models.get("data").get(2);
        assertThat(adapter.get("root").asString()).isEqualTo("/adapters/sql");
        assertThat(adapter.get("parent").asString()).isEqualTo(model);
        assertThat(models.get("data").get(0).get("root").asString()).isEqualTo("/models/llama-3.1-8b");

        ChatCompletion c = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("sql-lora")
                        .addUserMessage("SELECT")
                        .maxCompletionTokens(3)
                        .build());
        assertThat(c.model()).isEqualTo("sql-lora");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);

        HttpResponse<String> unload = post("/v1/unload_lora_adapter", "{\"lora_name\":\"sql-lora\"}");
        assertThat(unload.statusCode()).isEqualTo(200);
        assertThat(unload.body()).isEqualTo("Success: LoRA adapter 'sql-lora' removed successfully.");
        HttpResponse<String> unknown = post("/v1/unload_lora_adapter", "{\"lora_name\":\"sql-lora\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(unknown.body()).at("/error/message").asString())
                .isEqualTo("The lora adapter 'sql-lora' cannot be found.");
        assertThat(post("/v1/completions", "{\"model\":\"sql-lora\",\"prompt\":\"x\"}")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void embeddingsThroughTheSdk() {
        CreateEmbeddingResponse r = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model(model)
                        .input("the quick brown fox")
                        .build());
        List<Float> v = r.data().get(0).embedding();
        assertThat(v).hasSize(384);
        double norm = Math.sqrt(v.stream().mapToDouble(f -> f * f).sum());
        assertThat(norm).isCloseTo(1.0, Offset.offset(1e-3));
        assertThat(r.usage().promptTokens()).isPositive();
        CreateEmbeddingResponse again = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model(model)
                        .input("the quick brown fox")
                        .build());
        assertThat(again.data().get(0).embedding()).isEqualTo(v);
    }

    @Test
    void embeddingsOfSeveralInputsOnTheWire() throws Exception {
        JsonNode r = Json.MAPPER.readTree(post("/v1/embeddings", "{\"input\":[\"a\",\"b\",\"c\"],\"dimensions\":16}")
                .body());
        assertThat(r.get("object").asString()).isEqualTo("list");
        assertThat(r.get("data")).hasSize(3);
        assertThat(r.at("/data/2/index").asInt()).isEqualTo(2);
        assertThat(r.at("/data/0/embedding")).hasSize(16);
    }

    @Test
    void metricsAndHealth() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> m = get("/metrics");
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(m.body()).contains("vllm:num_requests_running");
        PrometheusTextParser.parse(m.body());
    }

    @Test
    void aClientThatDisconnectsMidStreamAbortsItsEngineRequest() throws Exception {
        long aborted = replica.engine().metrics().finished(FinishReason.ABORT);
        try (RawHttp raw = new RawHttp(replica.port())) {
            raw.post(
                    "/v1/completions",
                    "{\"prompt\":\"go on forever\",\"max_tokens\":" + TestEngines.ENDLESS_ANSWER_TOKENS
                            + ",\"ignore_eos\":true,\"stream\":true}");
            String seen = raw.readUntil("data: ");
            assertThat(seen).startsWith("HTTP/1.1 200 OK").contains("text/event-stream");
        }
        await().untilAsserted(() -> assertThat(replica.engine().metrics().finished(FinishReason.ABORT))
                .isEqualTo(aborted + 1));
    }

    @Test
    void aClientThatDisconnectsBeforeANonStreamedAnswerAbortsItsEngineRequest() throws Exception {
        long aborted = replica.engine().metrics().finished(FinishReason.ABORT);
        long received = replica.engine().metrics().requestsReceived();
        try (RawHttp raw = new RawHttp(replica.port())) {
            raw.post(
                    "/v1/completions",
                    "{\"prompt\":\"a long one\",\"max_tokens\":" + TestEngines.ENDLESS_ANSWER_TOKENS
                            + ",\"ignore_eos\":true}");
            await().until(() -> replica.engine().metrics().requestsReceived() > received);
        }
        await().untilAsserted(() -> assertThat(replica.engine().metrics().finished(FinishReason.ABORT))
                .isEqualTo(aborted + 1));
    }

    @Test
    void aRawStreamEndsWithDone() throws Exception {
        try (RawHttp raw = new RawHttp(replica.port())) {
            raw.post("/v1/completions", "{\"prompt\":\"abc\",\"max_tokens\":2,\"stream\":true}");
            String all = raw.readUntil("data: [DONE]\n\n");
            assertThat(all).contains("\"object\":\"text_completion\"").contains("\"finish_reason\":\"length\"");
        }
    }
}
