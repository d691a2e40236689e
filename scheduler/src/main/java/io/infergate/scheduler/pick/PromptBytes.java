package io.infergate.scheduler.pick;

import io.infergate.scheduler.openai.ScannedRequest;
import java.util.Objects;

/**
 * The bytes of a request's user input as sent (the {@code messages} array of a chat request, the {@code prompt} of
 * a completion), for prefix hashing. A view, not a copy: valid only during the {@link EndpointPicker#pick} call it
 * is passed to, which must not keep it.
 *
 * @param array  the backing array
 * @param offset first byte
 * @param length number of bytes, >= 0
 */
public record PromptBytes(byte[] array, int offset, int length) {

    /** No prompt (a request without a body, or one the gateway did not scan). */
    public static final PromptBytes NONE = new PromptBytes(new byte[0], 0, 0);

    public PromptBytes {
        Objects.requireNonNull(array, "array");
        Objects.checkFromIndexSize(offset, length, array.length);
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /**
     * The user input of a scanned OpenAI body, the one rule every caller shares: its {@code messages} array when
     * present (chat, the raw JSON as sent), else its {@code prompt} (completions: the bytes between the quotes of
     * a string, escapes left as sent; the raw JSON of an array), else {@link #NONE}.
     *
     * @param body      the array holding the body
     * @param bodyStart index in {@code body} of the body's first byte ({@link ScannedRequest} offsets count from it)
     */
    public static PromptBytes of(ScannedRequest scanned, byte[] body, int bodyStart) {
        Objects.checkFromIndexSize(bodyStart, scanned.bodyLength(), body.length);
        if (scanned.hasMessages()) {
            return new PromptBytes(body, bodyStart + scanned.messagesOffset(), scanned.messagesLength());
        }
        if (scanned.hasPrompt() && scanned.promptLength() > 0) {
            int offset = bodyStart + scanned.promptOffset();
            int length = scanned.promptLength();
            if (body[offset] == '"' && length >= 2) {
                offset++;
                length -= 2;
            }
            return length == 0 ? NONE : new PromptBytes(body, offset, length);
        }
        return NONE;
    }
}
