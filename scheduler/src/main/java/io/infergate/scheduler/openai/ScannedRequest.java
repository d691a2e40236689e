package io.infergate.scheduler.openai;

/**
 * The top-level fields of an OpenAI request body that the gateway needs, as found by
 * {@link OpenAiRequestScanner}. Byte ranges are offsets from the start of the body (not indices into
 * the array the body sits in) and stay valid only for the unmodified body; after
 * {@link ModelSplicer} everything behind the model token moves by the change in length.
 *
 * <p>When a key occurs more than once at the top level the <em>last</em> occurrence is reported,
 * because that is the one the model server (Python's {@code json}, pydantic) reads.
 *
 * <p>Absent values use sentinels rather than {@code Optional} or boxes, since this is built per request
 * on the event loop: {@link #ABSENT} for offsets and token counts, {@code null} for {@link #model()}.
 * Immutable; safe to share between threads.
 *
 * @param model                 the decoded {@code model} string, or {@code null} when the key is absent
 * @param modelOffset           offset of the model's JSON string token (its opening quote), or {@link #ABSENT}
 * @param modelLength           length of that token including both quotes, or 0 when absent
 * @param stream                {@code stream} was {@code true} ({@code false} when absent or null)
 * @param includeUsage          {@code stream_options.include_usage} was {@code true}
 * @param maxTokens             {@code max_tokens}, or {@link #ABSENT} when missing or null
 * @param maxCompletionTokens   {@code max_completion_tokens}, or {@link #ABSENT} when missing or null
 * @param promptOffset          offset of the raw {@code prompt} value (any JSON type), or {@link #ABSENT}
 * @param promptLength          length of that value, or 0 when absent
 * @param messagesOffset        offset of the raw {@code messages} value (any JSON type), or {@link #ABSENT}
 * @param messagesLength        length of that value, or 0 when absent
 * @param objectOffset          offset of the top-level object's opening brace
 * @param emptyObject           the top-level object has no members
 * @param bodyLength            length of the scanned body in bytes
 */
public record ScannedRequest(
        String model,
        int modelOffset,
        int modelLength,
        boolean stream,
        boolean includeUsage,
        long maxTokens,
        long maxCompletionTokens,
        int promptOffset,
        int promptLength,
        int messagesOffset,
        int messagesLength,
        int objectOffset,
        boolean emptyObject,
        int bodyLength) {

    /** Sentinel for an absent offset or token count. */
    public static final int ABSENT = -1;

    /** Checks that ranges lie inside the body and that presence flags agree. */
    public ScannedRequest {
        if (bodyLength < 0) {
            throw new IllegalArgumentException("bodyLength: " + bodyLength + " (expected: >= 0)");
        }
        checkRange("model", modelOffset, modelLength, bodyLength);
        checkRange("prompt", promptOffset, promptLength, bodyLength);
        checkRange("messages", messagesOffset, messagesLength, bodyLength);
        if ((model == null) != (modelOffset == ABSENT)) {
            throw new IllegalArgumentException("model and modelOffset disagree: " + model + " / " + modelOffset);
        }
        if (model != null && modelLength < 2) {
            throw new IllegalArgumentException("modelLength: " + modelLength + " (expected: >= 2, the quotes)");
        }
        if (objectOffset < 0 || objectOffset >= bodyLength) {
            throw new IllegalArgumentException(
                    "objectOffset: " + objectOffset + " (expected: 0.." + (bodyLength - 1) + ")");
        }
        if (maxTokens < ABSENT || maxCompletionTokens < ABSENT) {
            throw new IllegalArgumentException(
                    "token limits: " + maxTokens + ", " + maxCompletionTokens + " (expected: >= 0 or ABSENT)");
        }
    }

    private static void checkRange(String what, int offset, int length, int bodyLength) {
        if (offset == ABSENT ? length != 0 : offset < 0 || length <= 0 || offset + length > bodyLength) {
            throw new IllegalArgumentException(what + " range: " + offset + "+" + length
                    + " (expected: ABSENT+0 or inside 0.." + bodyLength + ")");
        }
    }

    /** The body has a top-level {@code model} key (whose value is then a string). */
    public boolean hasModel() {
        return model != null;
    }

    /** The body has a top-level {@code prompt} key. */
    public boolean hasPrompt() {
        return promptOffset != ABSENT;
    }

    /** The body has a top-level {@code messages} key. */
    public boolean hasMessages() {
        return messagesOffset != ABSENT;
    }
}
