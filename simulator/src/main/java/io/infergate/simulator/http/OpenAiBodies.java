package io.infergate.simulator.http;

import tools.jackson.core.JsonGenerator;

/**
 * The JSON shapes of generation responses, field for field as vLLM's OpenAI server writes them: streamed
 * chunks carry only the fields vLLM sets ({@code logprobs: null, finish_reason: null} until the last token,
 * whose chunk adds {@code finish_reason} and {@code stop_reason}); the usage chunk has empty {@code choices}.
 *
 * <p>Threading: stateless.
 */
final class OpenAiBodies {

    private OpenAiBodies() {}

    /** The identity every chunk and response of one request repeats. */
    record Head(GenerationRequest.Kind kind, String id, long created, String model) {}

    /** Usage numbers of one finished request. */
    record Usage(int promptTokens, int completionTokens, int cachedTokens) {}

    /** The first chat chunk: {@code delta: {role: assistant, content: ""}}. */
    static Json.Writer roleChunk(Head h) {
        return g -> {
            startChunk(g, h);
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            g.writeObjectPropertyStart("delta");
            g.writeStringProperty("role", "assistant");
            g.writeStringProperty("content", "");
            g.writeEndObject();
            g.writeNullProperty("logprobs");
            g.writeNullProperty("finish_reason");
            g.writeEndObject();
            endChunk(g);
        };
    }

    /** A content chunk; {@code finishReason} is null except on the last one. */
    static Json.Writer contentChunk(Head h, String text, String finishReason) {
        return g -> {
            startChunk(g, h);
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            if (h.kind() == GenerationRequest.Kind.CHAT) {
                g.writeObjectPropertyStart("delta");
                if (text != null) {
                    g.writeStringProperty("content", text);
                }
                g.writeEndObject();
            } else {
                g.writeStringProperty("text", text == null ? "" : text);
            }
            g.writeNullProperty("logprobs");
            g.writeStringProperty("finish_reason", finishReason);
            if (finishReason != null) {
                g.writeNullProperty("stop_reason");
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
            g.writeArrayPropertyStart("choices");
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
            g.writeObjectPropertyStart("error");
            g.writeStringProperty("message", e.message());
            g.writeStringProperty("type", e.type());
            g.writeStringProperty("param", e.param());
            g.writeNumberProperty("code", e.status());
            g.writeEndObject();
            g.writeEndObject();
        };
    }

    /** The complete (non-streamed) response. */
    static Json.Writer completeResponse(Head h, CharSequence text, String finishReason, Usage u) {
        return g -> {
            g.writeStartObject();
            head(g, h, h.kind().object());
            g.writeArrayPropertyStart("choices");
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            if (h.kind() == GenerationRequest.Kind.CHAT) {
                g.writeObjectPropertyStart("message");
                g.writeStringProperty("role", "assistant");
                g.writeStringProperty("content", text.toString());
                g.writeNullProperty("refusal");
                g.writeNullProperty("annotations");
                g.writeNullProperty("audio");
                g.writeNullProperty("function_call");
                g.writeArrayPropertyStart("tool_calls");
                g.writeEndArray();
                g.writeNullProperty("reasoning_content");
                g.writeEndObject();
                g.writeNullProperty("logprobs");
            } else {
                g.writeStringProperty("text", text.toString());
                g.writeNullProperty("logprobs");
            }
            g.writeStringProperty("finish_reason", finishReason);
            g.writeNullProperty("stop_reason");
            g.writeEndObject();
            g.writeEndArray();
            if (h.kind() == GenerationRequest.Kind.CHAT) {
                g.writeNullProperty("service_tier");
                g.writeNullProperty("system_fingerprint");
            }
            usage(g, u);
            g.writeNullProperty("prompt_logprobs");
            g.writeEndObject();
        };
    }

    private static void startChunk(JsonGenerator g, Head h) {
        g.writeStartObject();
        head(g, h, h.kind().chunkObject());
        g.writeArrayPropertyStart("choices");
    }

    private static void endChunk(JsonGenerator g) {
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void head(JsonGenerator g, Head h, String object) {
        g.writeStringProperty("id", h.id());
        g.writeStringProperty("object", object);
        g.writeNumberProperty("created", h.created());
        g.writeStringProperty("model", h.model());
    }

    static void usage(JsonGenerator g, Usage u) {
        g.writeObjectPropertyStart("usage");
        g.writeNumberProperty("prompt_tokens", u.promptTokens());
        g.writeNumberProperty("total_tokens", u.promptTokens() + u.completionTokens());
        g.writeNumberProperty("completion_tokens", u.completionTokens());
        g.writeObjectPropertyStart("prompt_tokens_details");
        g.writeNumberProperty("cached_tokens", u.cachedTokens());
        g.writeEndObject();
        g.writeEndObject();
    }
}
