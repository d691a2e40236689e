package io.infergate.simulator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.text.ApproxTokenizer;
import io.infergate.simulator.text.ChatMessage;
import io.infergate.simulator.text.ChatTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RequestParserTest {

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void chatRendersTheTemplateAndReadsTheFieldsVllmReads() throws Exception {
        GenerationRequest r = RequestParser.parseChat(json("""
                {"model":"m","messages":[{"role":"system","content":"Be brief."},
                  {"role":"user","content":[{"type":"text","text":"Hi"},{"type":"image_url","image_url":{"url":"x"}},
                                            {"type":"text","text":"there"}]}],
                 "max_tokens":50,"max_completion_tokens":20,"stream":true,"stream_options":{"include_usage":true},
                 "ignore_eos":true,"temperature":0.7,"min_tokens":3}"""));
        assertThat(r.kind()).isEqualTo(GenerationRequest.Kind.CHAT);
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.maxTokens()).isEqualTo(20); // max_completion_tokens wins, as in vLLM
        assertThat(r.minTokens()).isEqualTo(3);
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.ignoreEos()).isTrue();
        String rendered = ChatTemplate.render(
                List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi\nthere")));
        assertThat(r.promptTokens()).containsExactly(ApproxTokenizer.encode(rendered, false));
    }

    @Test
    void chatDefaults() throws Exception {
        GenerationRequest r = RequestParser.parseChat(json("{\"messages\":[{\"role\":\"user\",\"content\":null}]}"));
        assertThat(r.model()).isNull();
        assertThat(r.maxTokens()).isEqualTo(-1);
        assertThat(r.stream()).isFalse();
        assertThat(r.includeUsage()).isFalse();
    }

    @Test
    void completionPromptForms() throws Exception {
        assertThat(RequestParser.parseCompletion(json("{\"prompt\":\"abcdefgh\"}"))
                        .promptTokens())
                .containsExactly(ApproxTokenizer.encode("abcdefgh", true));
        assertThat(RequestParser.parseCompletion(json("{\"prompt\":[\"abcdefgh\"]}"))
                        .promptTokens())
                .containsExactly(ApproxTokenizer.encode("abcdefgh", true));
        assertThat(RequestParser.parseCompletion(json("{\"prompt\":[5,6,7]}")).promptTokens())
                .containsExactly(5, 6, 7);
        assertThat(RequestParser.parseCompletion(json("{\"prompt\":[[5,6]]}")).promptTokens())
                .containsExactly(5, 6);
        // vLLM's CompletionRequest defaults max_tokens to 16
        assertThat(RequestParser.parseCompletion(json("{\"prompt\":\"x\"}")).maxTokens())
                .isEqualTo(16);
    }

    @Test
    void embeddingInputForms() throws Exception {
        assertThat(RequestParser.parseEmbedding(json("{\"input\":\"hello\"}")).inputs())
                .hasSize(1);
        assertThat(RequestParser.parseEmbedding(json("{\"input\":[\"a\",\"b\"]}"))
                        .inputs())
                .hasSize(2);
        assertThat(RequestParser.parseEmbedding(json("{\"input\":[1,2,3]}"))
                        .inputs()
                        .get(0))
                .containsExactly(1, 2, 3);
        assertThat(RequestParser.parseEmbedding(json("{\"input\":[[1],[2,3]]}")).inputs())
                .hasSize(2);
        EmbeddingRequest e =
                RequestParser.parseEmbedding(json("{\"input\":\"x\",\"encoding_format\":\"base64\",\"dimensions\":8}"));
        assertThat(e.base64()).isTrue();
        assertThat(e.dimensions()).isEqualTo(8);
    }

    @Test
    void badInputIsA400NamingTheField() {
        assertBad("[1,2]", () -> RequestParser.parseChat(json("[1,2]")), "expected a JSON object");
        assertBad("no messages", () -> RequestParser.parseChat(json("{}")), "messages: Field required");
        assertBad("empty messages", () -> RequestParser.parseChat(json("{\"messages\":[]}")), "non-empty array");
        assertBad(
                "role",
                () -> RequestParser.parseChat(json("{\"messages\":[{\"content\":\"x\"}]}")),
                "messages[0].role");
        assertBad(
                "max_tokens 0",
                () -> RequestParser.parseChat(
                        json("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}")),
                "max_tokens must be at least 1, got 0.");
        assertBad(
                "max_tokens string",
                () -> RequestParser.parseChat(
                        json("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":\"ten\"}")),
                "max_tokens: Input should be a valid integer");
        assertBad(
                "n",
                () -> RequestParser.parseChat(json("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}")),
                "n: 2");
        assertBad(
                "stream_options",
                () -> RequestParser.parseChat(
                        json(
                                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream_options\":{\"include_usage\":true}}")),
                "Stream options can only be defined when `stream=True`.");
        assertBad(
                "model type",
                () -> RequestParser.parseCompletion(json("{\"prompt\":\"x\",\"model\":3}")),
                "model: Input should be a valid string");
        assertBad("two prompts", () -> RequestParser.parseCompletion(json("{\"prompt\":[\"a\",\"b\"]}")), "2 prompts");
        assertBad(
                "negative token",
                () -> RequestParser.parseCompletion(json("{\"prompt\":[1,-2]}")),
                "non-negative integers");
        assertBad(
                "min > max",
                () -> RequestParser.parseCompletion(json("{\"prompt\":\"x\",\"max_tokens\":2,\"min_tokens\":5}")),
                "min_tokens must be less than or equal");
        assertBad("no input", () -> RequestParser.parseEmbedding(json("{}")), "input: Field required");
        assertBad(
                "format",
                () -> RequestParser.parseEmbedding(json("{\"input\":\"x\",\"encoding_format\":\"hex\"}")),
                "encoding_format");
    }

    @FunctionalInterface
    interface Parse {
        Object run() throws Exception;
    }

    private static void assertBad(String what, Parse p, String message) {
        assertThatThrownBy(p::run).as(what).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().message()).contains(message);
        });
    }
}
