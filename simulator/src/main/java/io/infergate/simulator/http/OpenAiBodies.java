package io.infergate.simulator.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The JSON shapes of generation responses, field for field as vLLM's OpenAI server writes them: streamed
 * chunks carry only the fields vLLM sets ({@code logprobs: null, finish_reason: null} until the last token,
 * whose chunk adds {@code finish_reason} and {@code stop_reason}); the usage chunk has empty {@code choices}.
 *
 * <p>Threading: stateless.
 */
final class OpenAiBodies {

    private OpenAiBodies() {
    }

    /** The identity every chunk and response of one request repeats. */
    record Head(GenerationRequest.Kind kind, String id, long created, String model) {
    }

    /** Usage numbers of one finished request. */
    record Usage(int promptTokens, int completionTokens, int cachedTokens) {
    }

    /** The first chat chunk: {@code delta: {role: assistant, content: ""}}. */
    static Json.Writer roleChunk(Head h) {
        return g -> {
            startChunk(g, h);
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            g.writeStringField("role", "assistant");
            g.writeStringField("content", "");
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeNullField("finish_reason");
            g.writeEndObject();
            endChunk(g);
        };
    }

    /** A content chunk; {@code finishReason} is null except on the last one. */
    static Json.Writer contentChunk(Head h, String text, String finishReason) {
        return g -> {
            startChunk(g, h);
            g.writeStartObject();
            g.writeNumberField("index", 0);
            if (h.kind() == GenerationRequest.Kind.CHAT) {
                g.writeObjectFieldStart("delta");
                if (text != null) {
                    g.writeStringField("content", text);
                }
                g.writeEndObject();
            } else {
                g.writeStringField("text", text == null ? "" : text);
            }
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason);
            if (finishReason != null) {
                g.writeNullField("stop_reason");
            }
            g.writeEndObject();
            endChunk(g);
        };
    }

    /** The {@code stream_options.include_usage} chunk: empty choices, usage. */
    static Json.Writer usageChunk(Head h, Usage u) {
        return g -> {
            g.writeStartObject();
            head(g, h, h.kind().chunkObject());
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            usage(g, u);
            g.writeEndObject();
        };
    }

    /** An error inside an already started stream, as vLLM sends it: {@code data: {"error": {...}}}. */
    static Json.Writer streamError(ApiError e) {
        return errorBody(e);
    }

    /** vLLM's error body {@code {"error": {"message", "type", "param", "code"}}}, in a response or a stream. */
    static Json.Writer errorBody(ApiError e) {
        return g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", e.message());
            g.writeStringField("type", e.type());
            g.writeStringField("param", e.param());
            g.writeNumberField("code", e.status());
            g.writeEndObject();
            g.writeEndObject();
        };
    }

    /** The complete (non-streamed) response. */
    static Json.Writer completeResponse(Head h, CharSequence text, String finishReason, Usage u) {
        return g -> {
            g.writeStartObject();
            head(g, h, h.kind().object());
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            if (h.kind() == GenerationRequest.Kind.CHAT) {
                g.writeObjectFieldStart("message");
                g.writeStringField("role", "assistant");
                g.writeStringField("content", text.toString());
                g.writeNullField("refusal");
                g.writeNullField("annotations");
                g.writeNullField("audio");
                g.writeNullField("function_call");
                g.writeArrayFieldStart("tool_calls");
                g.writeEndArray();
                g.writeNullField("reasoning_content");
                g.writeEndObject();
                g.writeNullField("logprobs");
            } else {
                g.writeStringField("text", text.toString());
                g.writeNullField("logprobs");
            }
            g.writeStringField("finish_reason", finishReason);
            g.writeNullField("stop_reason");
            g.writeEndObject();
            g.writeEndArray();
            if (h.kind() == GenerationRequest.Kind.CHAT) {
                g.writeNullField("service_tier");
                g.writeNullField("system_fingerprint");
            }
            usage(g, u);
            g.writeNullField("prompt_logprobs");
            g.writeEndObject();
        };
    }

    private static void startChunk(JsonGenerator g, Head h) throws IOException {
        g.writeStartObject();
        head(g, h, h.kind().chunkObject());
        g.writeArrayFieldStart("choices");
    }

    private static void endChunk(JsonGenerator g) throws IOException {
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void head(JsonGenerator g, Head h, String object) throws IOException {
        g.writeStringField("id", h.id());
        g.writeStringField("object", object);
        g.writeNumberField("created", h.created());
        g.writeStringField("model", h.model());
    }

    static void usage(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("total_tokens", u.promptTokens() + u.completionTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedTokens());
        g.writeEndObject();
        g.writeEndObject();
    }
}
