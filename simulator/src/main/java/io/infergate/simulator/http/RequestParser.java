package io.infergate.simulator.http;

import io.infergate.simulator.text.ApproxTokenizer;
import io.infergate.simulator.text.ChatMessage;
import io.infergate.simulator.text.ChatTemplate;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Turns OpenAI request JSON into {@link GenerationRequest}s and {@link EmbeddingRequest}s, with vLLM's
 * defaults (completions default to {@code max_tokens: 16}; chat to "until the context is full") and its
 * validation messages where the simulator checks the same thing.
 *
 * <p>Threading: stateless; safe from any thread. Bad input: throws {@link ApiException} with a 400 naming
 * the field and what was expected; never anything else for any JSON value.
 */
public final class RequestParser {

    /** vLLM's {@code CompletionRequest.max_tokens} default. */
    static final int COMPLETION_DEFAULT_MAX_TOKENS = 16;

    private static final int ABSENT = Integer.MIN_VALUE;

    private RequestParser() {}

    public static GenerationRequest parseChat(JsonNode body) {
        requireObject(body);
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw bad("messages: Field required", "messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw bad("messages: expected a non-empty array of messages", "messages");
        }
        List<ChatMessage> list = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            list.add(message(messages.get(i), i));
        }
        int[] tokens = ApproxTokenizer.encode(ChatTemplate.render(list), false);
        int maxTokens = optionalInt(body, "max_completion_tokens", ABSENT);
        if (maxTokens == ABSENT) {
            maxTokens = optionalInt(body, "max_tokens", ABSENT);
        }
        return common(body, GenerationRequest.Kind.CHAT, tokens, maxTokens);
    }

    public static GenerationRequest parseCompletion(JsonNode body) {
        requireObject(body);
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw bad("prompt: Field required", "prompt");
        }
        int[] tokens = singlePrompt(prompt);
        int maxTokens = optionalInt(body, "max_tokens", COMPLETION_DEFAULT_MAX_TOKENS);
        return common(body, GenerationRequest.Kind.COMPLETION, tokens, maxTokens);
    }

    public static EmbeddingRequest parseEmbedding(JsonNode body) {
        requireObject(body);
        String model = optionalString(body, "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw bad("input: Field required", "input");
        }
        List<int[]> inputs = new ArrayList<>();
        if (input.isString()) {
            inputs.add(ApproxTokenizer.encode(input.stringValue(), true));
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isIntegralNumber()) {
            inputs.add(tokenIds(input, "input"));
        } else if (input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (item.isString()) {
                    inputs.add(ApproxTokenizer.encode(item.stringValue(), true));
                } else if (item.isArray() && !item.isEmpty()) {
                    inputs.add(tokenIds(item, "input"));
                } else {
                    throw bad("input: expected a string, an array of strings or an array of token arrays", "input");
                }
            }
        } else {
            throw bad("input: expected a non-empty string or array", "input");
        }
        String format = optionalString(body, "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw bad("encoding_format: '" + format + "' (expected: 'float' or 'base64')", "encoding_format");
        }
        int dims = optionalInt(body, "dimensions", EmbeddingRequest.DEFAULT_DIMENSIONS);
        if (dims < 1 || dims > EmbeddingRequest.DEFAULT_DIMENSIONS) {
            throw bad(
                    "dimensions: " + dims + " (expected: 1.." + EmbeddingRequest.DEFAULT_DIMENSIONS + ")",
                    "dimensions");
        }
        return new EmbeddingRequest(model, List.copyOf(inputs), "base64".equals(format), dims);
    }

    private static GenerationRequest common(JsonNode body, GenerationRequest.Kind kind, int[] tokens, int maxTokens) {
        String model = optionalString(body, "model");
        if (maxTokens != ABSENT && maxTokens < 1) {
            throw bad("max_tokens must be at least 1, got " + maxTokens + ".", "max_tokens");
        }
        if (maxTokens == ABSENT) {
            maxTokens = -1;
        }
        int minTokens = optionalInt(body, "min_tokens", 0);
        if (minTokens < 0) {
            throw bad("min_tokens must be greater than or equal to 0, got " + minTokens + ".", "min_tokens");
        }
        if (maxTokens > 0 && minTokens > maxTokens) {
            throw bad(
                    "min_tokens must be less than or equal to max_tokens=" + maxTokens + ", got " + minTokens + ".",
                    "min_tokens");
        }
        int n = optionalInt(body, "n", 1);
        if (n != 1) {
            throw bad("n: " + n + " (the simulator generates one choice per request; expected: 1)", "n");
        }
        boolean stream = optionalBoolean(body, "stream", false);
        JsonNode options = body.get("stream_options");
        boolean includeUsage = false;
        if (options != null && !options.isNull()) {
            if (!stream) {
                throw bad("Stream options can only be defined when `stream=True`.", "stream_options");
            }
            if (!options.isObject()) {
                throw bad("stream_options: expected an object", "stream_options");
            }
            includeUsage = optionalBoolean(options, "include_usage", false);
        }
        boolean ignoreEos = optionalBoolean(body, "ignore_eos", false);
        return new GenerationRequest(kind, model, tokens, maxTokens, minTokens, stream, includeUsage, ignoreEos);
    }

    private static ChatMessage message(JsonNode m, int index) {
        String where = "messages[" + index + "]";
        if (!m.isObject()) {
            throw bad(where + ": expected an object with 'role' and 'content'", "messages");
        }
        JsonNode role = m.get("role");
        if (role == null || !role.isString()) {
            throw bad(where + ".role: expected a string", "messages");
        }
        JsonNode content = m.get("content");
        String text;
        if (content == null || content.isNull()) {
            text = ""; // e.g. an assistant message that only carries tool calls
        } else if (content.isString()) {
            text = content.stringValue();
        } else if (content.isArray()) {
            text = joinTextParts(content, where);
        } else {
            throw bad(where + ".content: expected a string or an array of content parts", "messages");
        }
        return new ChatMessage(role.stringValue(), text);
    }

    /** Text parts joined by newlines, as vLLM's "string" content format does; other part types are skipped. */
    private static String joinTextParts(JsonNode parts, String where) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (JsonNode part : parts) {
            String text;
            if (part.isString()) {
                text = part.stringValue();
            } else if (part.isObject()) {
                JsonNode type = part.get("type");
                if (type == null || !type.isString()) {
                    throw bad(where + ".content: every content part needs a string 'type'", "messages");
                }
                JsonNode t = switch (type.stringValue()) {
                    case "text", "input_text", "output_text" -> part.get("text");
                    case "refusal" -> part.get("refusal");
                    default -> null; // images, audio, files: a text-only simulator reads no pixels
                };
                if (t == null) {
                    continue;
                }
                if (!t.isString()) {
                    throw bad(where + ".content: a '" + type.stringValue() + "' part needs a string text", "messages");
                }
                text = t.stringValue();
            } else {
                throw bad(where + ".content: expected content parts (objects with 'type')", "messages");
            }
            if (!first) {
                sb.append('\n');
            }
            sb.append(text);
            first = false;
        }
        return sb.toString();
    }

    private static int[] singlePrompt(JsonNode prompt) {
        if (prompt.isString()) {
            return ApproxTokenizer.encode(prompt.stringValue(), true);
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw bad("prompt: expected a string, an array of token ids, or a one-element array of either", "prompt");
        }
        JsonNode first = prompt.get(0);
        if (first.isIntegralNumber()) {
            return tokenIds(prompt, "prompt");
        }
        if (prompt.size() != 1) {
            throw bad(
                    "prompt: " + prompt.size() + " prompts in one request (the simulator serves one prompt per"
                            + " request; expected: a single prompt)",
                    "prompt");
        }
        if (first.isString()) {
            return ApproxTokenizer.encode(first.stringValue(), true);
        }
        if (first.isArray() && !first.isEmpty()) {
            return tokenIds(first, "prompt");
        }
        throw bad("prompt: expected a string, an array of token ids, or a one-element array of either", "prompt");
    }

    private static int[] tokenIds(JsonNode array, String field) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0) {
                throw bad(field + ": token ids must be non-negative integers, got " + t, field);
            }
            ids[i] = t.intValue();
        }
        return ids;
    }

    private static void requireObject(JsonNode body) {
        if (!body.isObject()) {
            throw bad("request body: expected a JSON object", null);
        }
    }

    static String optionalString(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw bad(field + ": Input should be a valid string", field);
        }
        return v.stringValue();
    }

    private static int optionalInt(JsonNode body, String field, int absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw bad(field + ": Input should be a valid integer, got " + v, field);
        }
        return v.intValue();
    }

    private static boolean optionalBoolean(JsonNode body, String field, boolean absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw bad(field + ": Input should be a valid boolean, got " + v, field);
        }
        return v.booleanValue();
    }

    private static ApiException bad(String message, String param) {
        return new ApiException(ApiError.badRequest(message, param));
    }
}
