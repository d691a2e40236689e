package io.infergate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Counts tokens in a response body as it streams, without parsing JSON: the last {@code "prompt_tokens": N} and
 * {@code "completion_tokens": N} seen (the final {@code usage} of a stream with {@code include_usage}, or the
 * {@code usage} of a JSON body), and, as a fallback for streams without usage, the SSE events (blank-line
 * separated) that carry a non-empty {@code "content"} or {@code "text"} string, one token each as vLLM sends them.
 * Patterns may be split across chunks. Confined to one event loop; looks at each byte once.
 *
 * <p>A direct buffer is read in bulk copies into a per-thread scratch array, not byte by byte: Netty's per-byte
 * accessors on direct memory go through {@code ByteBuffer} bounds and scope checks when {@code sun.misc.Unsafe}
 * is off (Netty's default on Java 25+), and that cost about 5% of the gateway's event-loop time.
 */
final class TokenCounter {

    private static final int SCRATCH_BYTES = 2048;
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[SCRATCH_BYTES];
        }
    };

    private static final byte[] PROMPT = "\"prompt_tokens\":".getBytes();
    private static final byte[] COMPLETION = "\"completion_tokens\":".getBytes();
    private static final byte[] CONTENT = "\"content\":".getBytes();
    private static final byte[] TEXT = "\"text\":".getBytes();

    // per pattern: how many bytes matched so far
    private int prompt;
    private int completion;
    private int content;
    private int text;
    // after a key: 0 = none, 1 = reading prompt digits, 2 = completion digits, 3 = expecting a string value
    private int after;
    private long number;
    private boolean digits;
    private boolean valueOpen;
    private boolean eventHasContent;
    private byte previous;

    private int promptTokens = -1;
    private int usageCompletionTokens = -1;
    private int contentEvents;

    void feed(ByteBuf buf) {
        int from = buf.readerIndex();
        int end = buf.writerIndex();
        if (buf.hasArray()) {
            feed(buf.array(), buf.arrayOffset() + from, buf.arrayOffset() + end);
            return;
        }
        byte[] scratch = SCRATCH.get();
        while (from < end) {
            int n = Math.min(scratch.length, end - from);
            buf.getBytes(from, scratch, 0, n);
            feed(scratch, 0, n);
            from += n;
        }
    }

    private void feed(byte[] bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            byte c = bytes[i];
            if (after != 0) {
                afterKey(c);
            }
            // most bytes are neither a quote nor inside a key being matched: then no pattern can move
            if (c == '"' || (prompt | completion | content | text) != 0) {
                prompt = step(PROMPT, prompt, c, 1);
                completion = step(COMPLETION, completion, c, 2);
                content = step(CONTENT, content, c, 3);
                text = step(TEXT, text, c, 3);
            }
            if (c == '\n' && previous == '\n') {
                if (eventHasContent) {
                    contentEvents++;
                }
                eventHasContent = false;
            }
            previous = c;
        }
    }

    private int step(byte[] pattern, int matched, byte c, int onMatch) {
        if (pattern[matched] == c) {
            matched++;
            if (matched == pattern.length) {
                after = onMatch;
                number = 0;
                digits = false;
                valueOpen = false;
                return 0;
            }
            return matched;
        }
        // every pattern starts with a quote and has no other prefix-suffix overlap worth tracking
        return c == '"' ? 1 : 0;
    }

    private void afterKey(byte c) {
        if (after == 3) {
            if (valueOpen) {
                if (c != '"') {
                    eventHasContent = true;
                }
                after = 0;
            } else if (c == '"') {
                valueOpen = true;
            } else if (c != ' ') {
                after = 0;
            }
            return;
        }
        if (c >= '0' && c <= '9') {
            number = Math.min(Integer.MAX_VALUE, number * 10 + (c - '0'));
            digits = true;
        } else if (c != ' ' || digits) {
            if (digits) {
                if (after == 1) {
                    promptTokens = (int) number;
                } else {
                    usageCompletionTokens = (int) number;
                }
            }
            after = 0;
        }
    }

    int promptTokens() {
        return promptTokens;
    }

    /** From {@code usage} when present, else the number of content events (or -1 when there were none). */
    int completionTokens() {
        if (usageCompletionTokens >= 0) {
            return usageCompletionTokens;
        }
        return contentEvents > 0 ? contentEvents : -1;
    }
}
