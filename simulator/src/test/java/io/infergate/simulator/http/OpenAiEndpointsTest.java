package io.infergate.simulator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.fault.MetricsFault;
import io.infergate.simulator.metrics.PrometheusTextParser;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The OpenAI surface up to engine submission, on an embedded channel: routing, parsing and error bodies. */
class OpenAiEndpointsTest {

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void healthIsAnEmpty200() {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.get("/health");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            assertThat(r.headers().getInt("content-length")).isZero();
        }
    }

    @Test
    void unknownPathAndWrongMethodAnswerLikeFastApi() {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.get("/v2/nothing?x=1");
            EmbeddedServer.Reply notFound = s.reply();
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.body()).isEqualTo("{\"detail\":\"Not Found\"}");

            s.get("/v1/chat/completions");
            EmbeddedServer.Reply wrongMethod = s.reply();
            assertThat(wrongMethod.status()).isEqualTo(405);
            assertThat(wrongMethod.body()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
            assertThat(wrongMethod.headers().get("allow")).isEqualTo("POST");
        }
    }

    @Test
    void malformedJsonIsA400WithTheOpenAiErrorShape() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.post("/v1/chat/completions", "{\"model\": \"x\", \"messages\": [");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers().get("content-type")).isEqualTo("application/json");
            JsonNode error = json(r.body()).get("error");
            assertThat(error.get("type").asString()).isEqualTo("BadRequestError");
            assertThat(error.get("code").asInt()).isEqualTo(400);
            assertThat(error.get("message").asString()).startsWith("JSON decode error");
            assertThat(error.has("param")).isTrue();
            assertThat(s.server.isActive())
                    .as("the connection survives a bad body")
                    .isTrue();
        }
    }

    @Test
    void unknownModelIsVllms404() {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"hi\"}");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body())
                    .isEqualTo("{\"error\":{\"message\":\"The model `nope` does not exist.\","
                            + "\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}}");
        }
    }

    @Test
    void promptLongerThanTheContextIsA400WithVllmsMessage() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.post("/v1/completions", "{\"prompt\":\"" + "word ".repeat(1000) + "\"}");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(400);
            assertThat(json(r.body()).at("/error/message").asString())
                    .startsWith("This model's maximum context length is 1008 tokens.");
        }
    }

    @Test
    void maxTokensBeyondTheContextIsA400() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.post("/v1/completions", "{\"prompt\":\"hello\",\"max_tokens\":1007}");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(400);
            JsonNode error = json(r.body()).get("error");
            assertThat(error.get("message").asString())
                    .isEqualTo("'max_tokens' or 'max_completion_tokens' is too large: "
                            + "1007. This model's maximum context length is 1008 tokens and your request has 3 input tokens "
                            + "(1007 > 1008 - 3). (parameter=max_tokens, value=1007)");
            assertThat(error.get("param").asString()).isEqualTo("max_tokens");
        }
    }

    @Test
    void tooLargeABodyIsA413AndClosesTheConnection() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer(FaultConfig.NONE, HttpServerConfig.DEFAULT.withMaxBodyBytes(1024))) {
            s.post("/v1/completions", "{\"prompt\":\"" + "x".repeat(2000) + "\"}");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(413);
            assertThat(json(r.body()).at("/error/code").asInt()).isEqualTo(413);
            assertThat(s.server.isOpen()).isFalse();
        }
    }

    @Test
    void malformedHttpIsA400AndCloses() {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.send("GET / HTTP/1.1\r\nHost x no colon\r\n" + "Bad\u0000Header: y\r\n\r\n");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(400);
            assertThat(s.server.isOpen()).isFalse();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            List<FullHttpResponse> rs = s.responses();
            try {
                assertThat(rs).extracting(r -> r.status().code()).containsExactly(200, 404, 200);
            } finally {
                rs.forEach(FullHttpResponse::release);
            }
            assertThat(s.server.isActive()).isTrue();
        }
    }

    @Test
    void modelsListTheBaseModelLikeVllm() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.get("/v1/models");
            JsonNode body = json(s.reply().body());
            assertThat(body.get("object").asString()).isEqualTo("list");
            JsonNode card = body.get("data").get(0);
            assertThat(card.get("id").asString()).isEqualTo(s.model());
            assertThat(card.get("object").asString()).isEqualTo("model");
            assertThat(card.get("owned_by").asString()).isEqualTo("vllm");
            assertThat(card.get("root").asString()).isEqualTo("/models/llama");
            assertThat(card.get("parent").isNull()).isTrue();
            assertThat(card.get("max_model_len").asInt()).isEqualTo(1008);
            assertThat(card.at("/permission/0/object").asString()).isEqualTo("model_permission");
            assertThat(body.get("data")).hasSize(1);
        }
    }

    @Test
    void loraLoadWithoutAPathIsVllmsInvalidUserInput() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.post("/v1/load_lora_adapter", "{\"lora_name\":\"a\"}");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(400);
            assertThat(json(r.body()).at("/error/type").asString()).isEqualTo("InvalidUserInput");
            assertThat(json(r.body()).at("/error/message").asString())
                    .isEqualTo("Both 'lora_name' and 'lora_path' must be provided.");
            s.post("/v1/unload_lora_adapter", "{}");
            assertThat(json(s.reply().body()).at("/error/message").asString())
                    .isEqualTo("'lora_name' needs to be provided to unload a LoRA adapter.");
        }
    }

    @Test
    void metricsAreServedWithTheFlavorsContentType() {
        try (EmbeddedServer s = new EmbeddedServer()) {
            s.get("/metrics");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("content-type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            assertThat(r.body()).isEqualTo(EmbeddedServer.METRICS_TEXT);
        }
    }

    @Test
    void metricsFaults() throws Exception {
        try (EmbeddedServer s =
                new EmbeddedServer(FaultConfig.NONE.withMetricsFault(MetricsFault.FAILING), HttpServerConfig.DEFAULT)) {
            s.get("/metrics");
            EmbeddedServer.Reply failing = s.reply();
            assertThat(failing.status()).isEqualTo(500);
            assertThat(json(failing.body()).at("/error/type").asString()).isEqualTo("InternalServerError");

            s.sc.faults().set(FaultConfig.NONE.withMetricsFault(MetricsFault.GARBLED));
            s.get("/metrics");
            EmbeddedServer.Reply garbled = s.reply();
            assertThat(garbled.status()).isEqualTo(200);
            assertThatThrownBy(() -> PrometheusTextParser.parse(garbled.body()))
                    .isInstanceOf(IllegalArgumentException.class);

            s.sc.faults()
                    .set(FaultConfig.NONE.withMetricsFault(MetricsFault.SLOW).withMetricsDelayMs(3_000));
            s.server.freezeTime();
            s.get("/metrics");
            assertThat(s.responses()).isEmpty();
            s.server.advanceTimeBy(2_999, TimeUnit.MILLISECONDS);
            s.server.runScheduledPendingTasks();
            assertThat(s.responses()).isEmpty();
            s.server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            s.server.runScheduledPendingTasks();
            assertThat(s.reply().body()).isEqualTo(EmbeddedServer.METRICS_TEXT);
        }
    }

    @Test
    void injectedErrorsUseTheChosenStatusAndRetryAfter() throws Exception {
        FaultConfig faults = FaultConfig.NONE
                .withErrorRate(1)
                .withErrorStatuses(List.of(429))
                .withRetryAfterSeconds(3);
        try (EmbeddedServer s = new EmbeddedServer(faults, HttpServerConfig.DEFAULT)) {
            s.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            EmbeddedServer.Reply r = s.reply();
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.headers().get("retry-after")).isEqualTo("3");
            JsonNode error = json(r.body()).get("error");
            assertThat(error.get("type").asString()).isEqualTo("RateLimitError");
            assertThat(error.get("code").asInt()).isEqualTo(429);
            // only inference routes fail by injection
            s.get("/health");
            assertThat(s.reply().status()).isEqualTo(200);
        }
    }

    @Test
    void addedLatencyDelaysTheResponse() {
        try (EmbeddedServer s =
                new EmbeddedServer(FaultConfig.NONE.withAddedLatencyMs(500), HttpServerConfig.DEFAULT)) {
            s.server.freezeTime();
            s.post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"hi\"}");
            assertThat(s.responses()).isEmpty();
            s.server.advanceTimeBy(500, TimeUnit.MILLISECONDS);
            s.server.runScheduledPendingTasks();
            assertThat(s.reply().status()).isEqualTo(404);
        }
    }

    @Test
    void aClientLeavingDuringTheAddedLatencyReleasesTheRequest() {
        try (EmbeddedServer s =
                new EmbeddedServer(FaultConfig.NONE.withAddedLatencyMs(500), HttpServerConfig.DEFAULT)) {
            s.server.freezeTime();
            s.post("/v1/completions", "{\"prompt\":\"hi\"}");
            s.server.close();
            s.server.advanceTimeBy(1, TimeUnit.SECONDS);
            s.server.runScheduledPendingTasks();
            assertThat(s.responses()).isEmpty();
            // the retained body was released when the timer was cancelled; the leak detector checks it
        }
    }
}
