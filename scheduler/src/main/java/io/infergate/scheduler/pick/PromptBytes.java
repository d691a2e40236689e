package io.infergate.scheduler.pick;

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
}
