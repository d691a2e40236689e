package io.infergate.extproc.server;

/**
 * Reads token usage from a response body as it streams, without parsing JSON: the last
 * {@code "prompt_tokens": N} and {@code "completion_tokens": N} seen, which is the {@code usage} object of a JSON
 * body or the final usage event of an SSE stream sent with {@code stream_options.include_usage}. Keys and numbers
 * may be split across chunks anywhere. Not thread-safe: one per response, fed in order.
 */
final class UsageScanner {

    private static final byte[][] KEYS = {"\"prompt_tokens\"".getBytes(), "\"completion_tokens\"".getBytes()};

    private final int[] matched = new int[KEYS.length];
    private final long[] last = {-1, -1};
    // after a key: -1 none; else the key index, reading ':' and blanks (colon false) or digits
    private int key = -1;
    private boolean colon;
    private boolean digits;
    private long number;

    void feed(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            byte c = bytes[i];
            if (key >= 0 && afterKey(c)) {
                continue;
            }
            for (int k = 0; k < KEYS.length; k++) {
                byte[] p = KEYS[k];
                if (c == p[matched[k]]) {
                    if (++matched[k] == p.length) {
                        matched[k] = 0;
                        key = k;
                        colon = false;
                        digits = false;
                        number = 0;
                    }
                } else {
                    matched[k] = c == p[0] ? 1 : 0;
                }
            }
        }
    }

    /** Consumes a byte after a key; false when the value ended and the byte must be scanned for keys. */
    private boolean afterKey(byte c) {
        if (!colon) {
            if (c == ':') {
                colon = true;
                return true;
            }
            if (isBlank(c)) {
                return true;
            }
            key = -1;
            return false;
        }
        if (c >= '0' && c <= '9') {
            digits = true;
            number = Math.min(number * 10 + (c - '0'), Integer.MAX_VALUE);
            return true;
        }
        if (!digits && isBlank(c)) {
            return true;
        }
        if (digits) {
            last[key] = number;
        }
        key = -1;
        return false;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** The last prompt token count seen, or -1. */
    int promptTokens() {
        return (int) last[0];
    }

    /** The last completion token count seen, or -1. */
    int completionTokens() {
        return (int) last[1];
    }
}
