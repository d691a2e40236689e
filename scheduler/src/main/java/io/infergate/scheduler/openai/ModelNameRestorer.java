package io.infergate.scheduler.openai;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Rewrites a response body, as it streams, so the client sees the model name it asked for: every JSON
 * member {@code "model": "<upstream>"} becomes {@code "model": "<client>"}. Works the same on SSE
 * streams ({@code data: {...}\n\n}) and plain JSON bodies, since it only looks at bytes.
 *
 * <p><b>What matches.</b> The exact bytes {@code "model"}, optional JSON whitespace, {@code :}, optional
 * whitespace, then a string token whose raw bytes are exactly the upstream name's
 * {@link EncodedModelName encoding} followed by the closing quote. Only the string's content is
 * replaced; the key, the whitespace and the quotes pass through untouched. On a valid JSON body this is
 * exact: a quote that is not preceded by a backslash cannot be part of a string's content, so the
 * {@code "model"} pattern can only be a key (text like {@code \"model\":\"x\"} inside a string value has
 * escaped quotes and is left alone; the one ambiguous case, a key ending in {@code \"model}, is excluded
 * by checking the byte before the opening quote). Nested {@code model} members (e.g. inside
 * {@code choices}) are rewritten too, as GIE does. Not recognised: a key spelled with escapes
 * (<code>"mod&#92;u0065l"</code>) or the upstream name written with escapes we would not produce (e.g.
 * {@code \/} or <code>&#92;u</code>-escaped non-ASCII); model servers do not write those. Other values, values
 * that merely start with the upstream name, and invalid JSON pass through byte for byte.
 *
 * <p><b>Buffering.</b> Key, colon and whitespace are emitted as they arrive, so the only bytes held
 * back between chunks are the part of a candidate value that matches so far: at most the length of the
 * upstream name's encoding (less than the pattern length). A whole body is never buffered. Chunk
 * boundaries may fall anywhere, including inside {@code "model"}, between {@code :} and the value, or
 * inside the value: the output is the same as for the body in one piece.
 *
 * <p><b>Output.</b> {@link #feed(ByteBuffer, Sink)} reports ranges of the input chunk to pass through
 * and separate inserted bytes, so a caller holding the chunk in a pooled buffer can forward slices
 * without copying. {@link #feed(byte[], int, int)} is the copying convenience.
 *
 * <p><b>Threading.</b> Not thread-safe: one instance per response, used by the thread that reads the
 * response (the connection's event loop). Never blocks. After {@link #finish} it is back in its
 * initial state and may be reused for another response with the same names.
 */
public final class ModelNameRestorer {
    private static final byte[] KEY = {'"', 'm', 'o', 'd', 'e', 'l', '"'};

    private static final int SCAN = 0; // looking for "model"
    private static final int AFTER_KEY = 1; // saw "model", expecting whitespace or ':'
    private static final int AFTER_COLON = 2; // saw ':', expecting whitespace or the value's quote
    private static final int IN_VALUE = 3; // inside the value, matching the upstream name

    /**
     * Receives the rewritten stream in order. Calls happen inside {@code feed}/{@code finish}.
     */
    public interface Sink {
        /** Bytes {@code [from, to)} of the chunk being fed (absolute buffer indices) pass through unchanged. */
        void passThrough(ByteBuffer chunk, int from, int to);

        /** Bytes that are not in the current chunk; copy them before returning, the array is reused. */
        void insert(byte[] bytes, int offset, int length);
    }

    private final EncodedModelName upstream;
    private final EncodedModelName client;
    private final byte[] target; // upstream name, escaped
    private final byte[] replacement; // client name, escaped
    private final byte[] held; // matching value bytes from earlier chunks
    private int heldLength;
    private int state = SCAN;
    private int keyMatched;
    private int valueMatched;
    private byte previous;
    private ByteArraySink copySink;

    /**
     * @param upstream the name the model server answers with (the rewritten target)
     * @param client   the name the client sent, to put back
     */
    public ModelNameRestorer(EncodedModelName upstream, EncodedModelName client) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.client = Objects.requireNonNull(client, "client");
        this.target = upstream.content();
        this.replacement = client.content();
        this.held = new byte[target.length];
    }

    /** The name replaced. */
    public EncodedModelName upstream() {
        return upstream;
    }

    /** The name written instead. */
    public EncodedModelName client() {
        return client;
    }

    /** Bytes currently held back from earlier chunks; never more than the upstream name's encoding. */
    public int heldBytes() {
        return heldLength;
    }

    /**
     * Rewrites the bytes {@code [position, limit)} of {@code chunk}; the buffer's position and limit are
     * not changed. Output goes to {@code sink} in order; bytes of a candidate value that is still open at
     * the end of the chunk are held back and emitted by a later call.
     */
    public void feed(ByteBuffer chunk, Sink sink) {
        final int start = chunk.position();
        final int end = chunk.limit();
        int emitFrom = start; // chunk bytes before this are already reported
        int valueFrom = start; // in IN_VALUE: where this chunk's part of the held-back value starts
        for (int i = start; i < end; i++) {
            byte c = chunk.get(i);
            switch (state) {
                case SCAN -> scan(c);
                case AFTER_KEY -> {
                    if (c == ':') {
                        state = AFTER_COLON;
                    } else if (!isWhitespace(c)) {
                        // "model" was a string value, not a key; its closing quote may open the next "model"
                        state = SCAN;
                        keyMatched = 1;
                        scan(c);
                    }
                }
                case AFTER_COLON -> {
                    if (c == '"') {
                        state = IN_VALUE;
                        valueMatched = 0;
                        valueFrom = i + 1;
                    } else if (!isWhitespace(c)) {
                        state = SCAN;
                        keyMatched = 0;
                        scan(c);
                    }
                }
                default -> { // IN_VALUE
                    if (valueMatched < target.length && c == target[valueMatched]) {
                        valueMatched++;
                    } else if (valueMatched == target.length && c == '"') {
                        if (valueFrom > emitFrom) {
                            sink.passThrough(chunk, emitFrom, valueFrom);
                        }
                        heldLength = 0;
                        sink.insert(replacement, 0, replacement.length);
                        emitFrom = i; // the closing quote passes through
                        state = SCAN;
                        keyMatched = 0;
                    } else {
                        // Another value. Anything held came from earlier chunks, and nothing of this chunk
                        // has been reported yet (a value open across chunks starts this chunk), so the order holds.
                        if (heldLength > 0) {
                            sink.insert(held, 0, heldLength);
                            heldLength = 0;
                        }
                        state = SCAN;
                        keyMatched = 0;
                        scan(c);
                    }
                }
            }
            previous = c;
        }
        if (state == IN_VALUE) {
            if (valueFrom > emitFrom) {
                sink.passThrough(chunk, emitFrom, valueFrom);
            }
            int n = end - valueFrom;
            chunk.get(valueFrom, held, heldLength, n);
            heldLength += n;
        } else if (end > emitFrom) {
            sink.passThrough(chunk, emitFrom, end);
        }
    }

    /** Emits whatever is still held back and resets for the next response. Call once at end of body. */
    public void finish(Sink sink) {
        if (heldLength > 0) {
            sink.insert(held, 0, heldLength);
        }
        heldLength = 0;
        state = SCAN;
        keyMatched = 0;
        valueMatched = 0;
        previous = 0;
    }

    /** Copying convenience: the rewritten output for this chunk (possibly empty). */
    public byte[] feed(byte[] chunk, int offset, int length) {
        ByteArraySink sink = sink();
        feed(ByteBuffer.wrap(chunk, offset, length), sink);
        return sink.drain();
    }

    /** Copying convenience: what {@link #finish(Sink)} emits. */
    public byte[] finish() {
        ByteArraySink sink = sink();
        finish(sink);
        return sink.drain();
    }

    private ByteArraySink sink() {
        if (copySink == null) {
            copySink = new ByteArraySink();
        }
        return copySink;
    }

    /** One byte in state SCAN: advance the match of {@code "model"}. */
    private void scan(byte c) {
        if (c == KEY[keyMatched] && !(keyMatched == 0 && previous == '\\')) {
            if (++keyMatched == KEY.length) {
                state = AFTER_KEY;
                keyMatched = 0;
            }
        } else {
            // only a quote can restart the pattern; an escaped quote is string content, never a key's start
            keyMatched = c == '"' && previous != '\\' ? 1 : 0;
        }
    }

    private static boolean isWhitespace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** Collects output for the copying API. */
    private static final class ByteArraySink implements Sink {
        private byte[] buf = new byte[256];
        private int size;

        @Override
        public void passThrough(ByteBuffer chunk, int from, int to) {
            int n = to - from;
            ensure(n);
            chunk.get(from, buf, size, n);
            size += n;
        }

        @Override
        public void insert(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buf, size, length);
            size += length;
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        byte[] drain() {
            byte[] out = Arrays.copyOf(buf, size);
            size = 0;
            return out;
        }
    }
}
