package io.infergate.scheduler.openai;

/**
 * A request body the gateway refuses: malformed JSON, not a JSON object, or a field the gateway reads
 * ({@code model}, {@code stream}, ...) with the wrong type. Maps to HTTP 400 with an OpenAI error body
 * whose message is {@link #getMessage()}, e.g. {@code "model must be a string, got number at offset 12"}.
 *
 * <p>{@link #offset()} counts bytes from the start of the body, as a client counting its own bytes
 * would. The exception carries no stack trace: it describes the client's input, not our code, and it
 * is thrown on the event loop for every bad request, where filling a stack trace would be wasted work.
 * Immutable, safe to share.
 */
public final class BadRequestBodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final int offset;

    /**
     * @param reason what is wrong, without the position (e.g. {@code "invalid JSON: expected ':'"})
     * @param offset byte offset from the start of the body where the problem was detected, >= 0
     */
    public BadRequestBodyException(String reason, int offset) {
        super(reason + " at offset " + offset, null, false, false);
        if (offset < 0) {
            throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
        }
        this.reason = reason;
        this.offset = offset;
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }

    /** Byte offset from the start of the body where the problem was detected. */
    public int offset() {
        return offset;
    }
}
