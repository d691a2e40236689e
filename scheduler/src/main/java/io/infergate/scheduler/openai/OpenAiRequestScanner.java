package io.infergate.scheduler.openai;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Validates an OpenAI request body as JSON and extracts the top-level fields the gateway routes on,
 * in one pass and without building a tree.
 *
 * <p><b>What is checked.</b> Full RFC 8259 syntax: one top-level value, which must be an object, with
 * nothing but whitespace after it; strings with every escape form, <code>&#92;uXXXX</code> escapes whose
 * surrogates come in proper pairs (I-JSON, RFC 7493; a lone surrogate is rejected even though the RFC
 * grammar admits it, so every string the gateway sees has a UTF-8 form), well-formed UTF-8 inside
 * strings (no overlong forms, no encoded surrogates, nothing above U+10FFFF); numbers exactly as the
 * grammar says (no {@code NaN}, no leading {@code +} or zeros); nesting no deeper than
 * {@link #maxDepth()} (the top-level object is depth 1). Errors are reported at the first byte at which
 * the input stops being a prefix of some valid document.
 *
 * <p><b>What is extracted</b> (see {@link ScannedRequest}): {@code model}, {@code stream},
 * {@code stream_options.include_usage}, {@code max_tokens}, {@code max_completion_tokens}, and the raw
 * byte ranges of {@code prompt} and {@code messages}. Only top-level keys count; a {@code "model"} key
 * inside {@code messages} is skipped like any other nested value. Keys are compared after unescaping,
 * so <code>"mod&#92;u0065l"</code> is {@code model}, as it is for the model server.
 *
 * <p><b>Duplicate keys.</b> The last occurrence wins, as with Python's {@code json} (vLLM, SGLang) and
 * Go's {@code encoding/json}. Only the last value's type is checked: {@code {"model":1,"model":"m"}} is
 * accepted with model {@code m}, because that is what the server will read. {@link ModelSplicer}
 * therefore replaces the last {@code model} token and leaves earlier ones as they are.
 *
 * <p><b>Field types.</b> A missing {@code model} is reported as absent; the caller decides (the data
 * plane answers 400). A present {@code model} must be a string, {@code stream} and
 * {@code stream_options.include_usage} must be booleans or null, {@code stream_options} an object or
 * null, and the token limits non-negative integers or null ({@code 100.0} and {@code 1e2} count as 100,
 * as pydantic's lax mode accepts them). These change how the gateway handles the response, so a wrong
 * type is a {@link BadRequestBodyException} here rather than a surprise later.
 *
 * <p><b>Cost model.</b> One forward pass over the bytes; each byte is looked at once (the
 * {@code stream_options} object, normally a few bytes, is read a second time). Nested values are
 * skipped by recursion bounded by {@link #maxDepth()} with no allocation. The only allocations are
 * the result record, the decoded model string (copied straight from the bytes when it has no escapes),
 * and, for a rare token limit written with a fraction or exponent, one {@link BigDecimal}. Rejections
 * allocate one stack-trace-free exception.
 *
 * <p><b>Threading.</b> Immutable; one instance can be shared by all event loops. Never blocks.
 */
public final class OpenAiRequestScanner {
    /** Default nesting limit, counting the top-level object as 1. */
    public static final int DEFAULT_MAX_DEPTH = 128;
    /** Largest accepted nesting limit; it bounds the recursion (and so the stack) of one scan. */
    public static final int MAX_DEPTH_LIMIT = 1024;

    private static final int KEY_OTHER = 0;
    private static final int KEY_MODEL = 1;
    private static final int KEY_STREAM = 2;
    private static final int KEY_STREAM_OPTIONS = 3;
    private static final int KEY_MAX_TOKENS = 4;
    private static final int KEY_MAX_COMPLETION_TOKENS = 5;
    private static final int KEY_PROMPT = 6;
    private static final int KEY_MESSAGES = 7;

    private static final byte[] MODEL = ascii("model");
    private static final byte[] STREAM = ascii("stream");
    private static final byte[] STREAM_OPTIONS = ascii("stream_options");
    private static final byte[] MAX_TOKENS = ascii("max_tokens");
    private static final byte[] MAX_COMPLETION_TOKENS = ascii("max_completion_tokens");
    private static final byte[] PROMPT = ascii("prompt");
    private static final byte[] MESSAGES = ascii("messages");
    private static final byte[] INCLUDE_USAGE = ascii("include_usage");
    private static final byte[][] KEYS_BY_ID = {
        null, MODEL, STREAM, STREAM_OPTIONS, MAX_TOKENS, MAX_COMPLETION_TOKENS, PROMPT, MESSAGES
    };

    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private final int maxDepth;

    /** A scanner with {@link #DEFAULT_MAX_DEPTH}. */
    public OpenAiRequestScanner() {
        this(DEFAULT_MAX_DEPTH);
    }

    /**
     * @param maxDepth deepest accepted nesting, the top-level object counting as 1
     * @throws IllegalArgumentException unless {@code 1 <= maxDepth <= MAX_DEPTH_LIMIT}
     */
    public OpenAiRequestScanner(int maxDepth) {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT) {
            throw new IllegalArgumentException("maxDepth: " + maxDepth + " (expected: 1.." + MAX_DEPTH_LIMIT + ")");
        }
        this.maxDepth = maxDepth;
    }

    /** Deepest accepted nesting, the top-level object counting as 1. */
    public int maxDepth() {
        return maxDepth;
    }

    /** Scans the whole array. See {@link #scan(byte[], int, int)}. */
    public ScannedRequest scan(byte[] body) {
        return scan(body, 0, body.length);
    }

    /**
     * Scans {@code body[offset, offset + length)}.
     *
     * @return the extracted fields; offsets in it count from {@code offset}
     * @throws BadRequestBodyException   if the bytes are not a valid JSON object or a field the gateway
     *                                   reads has the wrong type; its offset counts from {@code offset}
     * @throws IndexOutOfBoundsException if the range is outside the array
     */
    public ScannedRequest scan(byte[] body, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, body.length);
        final byte[] b = body;
        final int base = offset;
        final int end = offset + length;
        if (length == 0) {
            throw new BadRequestBodyException("request body is empty", 0);
        }
        int p = skipWs(b, offset, end);
        if (p == end) {
            throw eof(p, base);
        }
        if (b[p] != '{') {
            if (isValueStart(b[p])) {
                throw new BadRequestBodyException("body is not a JSON object, got " + typeName(b[p]), p - base);
            }
            throw syntax("expected a JSON object", p, base);
        }
        final int objectAt = p;
        // last occurrence of each key we read: value start and end (exclusive); -1 when absent
        int modelAt = -1;
        int modelEnd = -1;
        int streamAt = -1;
        int optionsAt = -1;
        int maxTokensAt = -1;
        int maxTokensEnd = -1;
        int maxCompletionAt = -1;
        int maxCompletionEnd = -1;
        int promptAt = -1;
        int promptEnd = -1;
        int messagesAt = -1;
        int messagesEnd = -1;

        p = skipWs(b, p + 1, end);
        if (p == end) {
            throw eof(p, base);
        }
        final boolean empty = b[p] == '}';
        if (empty) {
            p++;
        } else {
            boolean first = true;
            while (true) {
                if (p == end) {
                    throw eof(p, base);
                }
                if (b[p] != '"') {
                    throw syntax(first ? "expected a string key or '}'" : "expected a string key", p, base);
                }
                first = false;
                int keyAt = p;
                p = skipString(b, p, end, base);
                int key = topLevelKey(b, keyAt + 1, p - 1);
                p = skipColon(b, p, end, base);
                int valueAt = p;
                p = skipValue(b, p, end, base, 1);
                switch (key) {
                    case KEY_MODEL -> {
                        modelAt = valueAt;
                        modelEnd = p;
                    }
                    case KEY_STREAM -> streamAt = valueAt;
                    case KEY_STREAM_OPTIONS -> optionsAt = valueAt;
                    case KEY_MAX_TOKENS -> {
                        maxTokensAt = valueAt;
                        maxTokensEnd = p;
                    }
                    case KEY_MAX_COMPLETION_TOKENS -> {
                        maxCompletionAt = valueAt;
                        maxCompletionEnd = p;
                    }
                    case KEY_PROMPT -> {
                        promptAt = valueAt;
                        promptEnd = p;
                    }
                    case KEY_MESSAGES -> {
                        messagesAt = valueAt;
                        messagesEnd = p;
                    }
                    default -> {
                        // not ours: already validated and skipped
                    }
                }
                p = skipWs(b, p, end);
                if (p == end) {
                    throw eof(p, base);
                }
                if (b[p] == ',') {
                    p = skipWs(b, p + 1, end);
                } else if (b[p] == '}') {
                    p++;
                    break;
                } else {
                    throw syntax("expected ',' or '}'", p, base);
                }
            }
        }
        p = skipWs(b, p, end);
        if (p != end) {
            throw syntax("unexpected data after the top-level object", p, base);
        }

        // Types are checked only now, on the last occurrence of each key: that is the one the server reads.
        String model = null;
        if (modelAt >= 0) {
            if (b[modelAt] != '"') {
                throw new BadRequestBodyException(
                        "model must be a string, got " + typeName(b[modelAt]), modelAt - base);
            }
            model = JsonStrings.decode(b, modelAt, modelEnd);
        }
        boolean stream = streamAt >= 0 && booleanValue(b, streamAt, base, "stream");
        boolean includeUsage = false;
        if (optionsAt >= 0) {
            if (b[optionsAt] == '{') {
                includeUsage = includeUsage(b, optionsAt, end, base);
            } else if (b[optionsAt] != 'n') {
                throw new BadRequestBodyException(
                        "stream_options must be an object, got " + typeName(b[optionsAt]), optionsAt - base);
            }
        }
        long maxTokens =
                maxTokensAt < 0 ? ScannedRequest.ABSENT : tokenLimit(b, maxTokensAt, maxTokensEnd, base, "max_tokens");
        long maxCompletionTokens = maxCompletionAt < 0
                ? ScannedRequest.ABSENT
                : tokenLimit(b, maxCompletionAt, maxCompletionEnd, base, "max_completion_tokens");
        return new ScannedRequest(
                model,
                modelAt < 0 ? ScannedRequest.ABSENT : modelAt - base,
                modelAt < 0 ? 0 : modelEnd - modelAt,
                stream,
                includeUsage,
                maxTokens,
                maxCompletionTokens,
                promptAt < 0 ? ScannedRequest.ABSENT : promptAt - base,
                promptAt < 0 ? 0 : promptEnd - promptAt,
                messagesAt < 0 ? ScannedRequest.ABSENT : messagesAt - base,
                messagesAt < 0 ? 0 : messagesEnd - messagesAt,
                objectAt - base,
                empty,
                length);
    }

    // ---- field interpretation (runs on already validated bytes) ----

    private static boolean booleanValue(byte[] b, int at, int base, String field) {
        return switch (b[at]) {
            case 't' -> true;
            case 'f', 'n' -> false;
            default ->
                throw new BadRequestBodyException(field + " must be a boolean, got " + typeName(b[at]), at - base);
        };
    }

    /** Last {@code include_usage} in the validated object at {@code at}. */
    private boolean includeUsage(byte[] b, int at, int end, int base) {
        int p = skipWs(b, at + 1, end);
        int valueAt = -1;
        while (b[p] != '}') {
            int keyAt = p;
            p = skipString(b, p, end, base);
            boolean ours = keyEquals(b, keyAt + 1, p - 1, INCLUDE_USAGE);
            p = skipColon(b, p, end, base);
            if (ours) {
                valueAt = p;
            }
            p = skipWs(b, skipValue(b, p, end, base, 2), end);
            if (b[p] == ',') {
                p = skipWs(b, p + 1, end);
            }
        }
        return valueAt >= 0 && booleanValue(b, valueAt, base, "stream_options.include_usage");
    }

    private static long tokenLimit(byte[] b, int at, int to, int base, String field) {
        byte c = b[at];
        if (c == 'n') {
            return ScannedRequest.ABSENT;
        }
        if (c != '-' && (c < '0' || c > '9')) {
            throw new BadRequestBodyException(field + " must be an integer, got " + typeName(c), at - base);
        }
        int len = to - at;
        if (c != '-' && len <= 18) {
            long v = 0;
            int i = at;
            while (i < to && b[i] >= '0' && b[i] <= '9') {
                v = v * 10 + (b[i] - '0');
                i++;
            }
            if (i == to) {
                return v;
            }
        }
        // Rare forms (fraction, exponent, sign, many digits): exact decimal arithmetic.
        BigDecimal d;
        try {
            d = new BigDecimal(new String(b, at, len, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            // the grammar was checked, so only an exponent beyond int range ends up here
            throw new BadRequestBodyException(field + " is out of range", at - base);
        }
        if (d.signum() < 0) {
            throw new BadRequestBodyException(field + " must be a non-negative integer", at - base);
        }
        if (d.compareTo(LONG_MAX) > 0) {
            throw new BadRequestBodyException(field + " is out of range", at - base);
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw new BadRequestBodyException(field + " must be an integer, got a fraction", at - base);
        }
    }

    // ---- keys ----

    private static int topLevelKey(byte[] b, int from, int to) {
        int id = switch (to - from) {
            case 5 -> keyEquals(b, from, to, MODEL) ? KEY_MODEL : KEY_OTHER;
            case 6 ->
                keyEquals(b, from, to, STREAM) ? KEY_STREAM : keyEquals(b, from, to, PROMPT) ? KEY_PROMPT : KEY_OTHER;
            case 8 -> keyEquals(b, from, to, MESSAGES) ? KEY_MESSAGES : KEY_OTHER;
            case 10 -> keyEquals(b, from, to, MAX_TOKENS) ? KEY_MAX_TOKENS : KEY_OTHER;
            case 14 -> keyEquals(b, from, to, STREAM_OPTIONS) ? KEY_STREAM_OPTIONS : KEY_OTHER;
            case 21 -> keyEquals(b, from, to, MAX_COMPLETION_TOKENS) ? KEY_MAX_COMPLETION_TOKENS : KEY_OTHER;
            default -> KEY_OTHER;
        };
        if (id != KEY_OTHER || !hasBackslash(b, from, to)) {
            return id;
        }
        // An escaped spelling such as "mod" + u-escaped "e" + "l" is the same key to the server, so it must be to us.
        for (int k = 1; k < KEYS_BY_ID.length; k++) {
            if (JsonStrings.decodesTo(b, from, to, KEYS_BY_ID[k])) {
                return k;
            }
        }
        return KEY_OTHER;
    }

    /** Whether the raw key content {@code b[from, to)} is {@code name}, escaped or not. */
    private static boolean keyEquals(byte[] b, int from, int to, byte[] name) {
        if (to - from == name.length) {
            int i = 0;
            while (i < name.length && b[from + i] == name[i]) {
                i++;
            }
            if (i == name.length) {
                return true;
            }
        }
        return to - from > name.length && hasBackslash(b, from, to) && JsonStrings.decodesTo(b, from, to, name);
    }

    private static boolean hasBackslash(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\\') {
                return true;
            }
        }
        return false;
    }

    // ---- syntax: each method takes the index of the first byte of its token and returns the index after it ----

    private static int skipWs(byte[] b, int p, int end) {
        while (p < end) {
            byte c = b[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            p++;
        }
        return p;
    }

    /** Skips whitespace, a ':' and whitespace; returns the index of the value (maybe {@code end}). */
    private static int skipColon(byte[] b, int p, int end, int base) {
        p = skipWs(b, p, end);
        if (p == end) {
            throw eof(p, base);
        }
        if (b[p] != ':') {
            throw syntax("expected ':'", p, base);
        }
        return skipWs(b, p + 1, end);
    }

    /** {@code depth} is the nesting depth of the container holding this value. */
    private int skipValue(byte[] b, int p, int end, int base, int depth) {
        if (p >= end) {
            throw eof(p, base);
        }
        return switch (b[p]) {
            case '"' -> skipString(b, p, end, base);
            case '{' -> skipObject(b, p, end, base, depth + 1);
            case '[' -> skipArray(b, p, end, base, depth + 1);
            case 't' -> skipLiteral(b, p, end, base, TRUE);
            case 'f' -> skipLiteral(b, p, end, base, FALSE);
            case 'n' -> skipLiteral(b, p, end, base, NULL);
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> skipNumber(b, p, end, base);
            default -> throw syntax("expected a value", p, base);
        };
    }

    private int skipObject(byte[] b, int p, int end, int base, int depth) {
        if (depth > maxDepth) {
            throw new BadRequestBodyException("JSON nesting deeper than " + maxDepth, p - base);
        }
        p = skipWs(b, p + 1, end);
        if (p < end && b[p] == '}') {
            return p + 1;
        }
        boolean first = true;
        while (true) {
            if (p >= end) {
                throw eof(p, base);
            }
            if (b[p] != '"') {
                throw syntax(first ? "expected a string key or '}'" : "expected a string key", p, base);
            }
            first = false;
            p = skipString(b, p, end, base);
            p = skipColon(b, p, end, base);
            p = skipWs(b, skipValue(b, p, end, base, depth), end);
            if (p >= end) {
                throw eof(p, base);
            }
            if (b[p] == ',') {
                p = skipWs(b, p + 1, end);
            } else if (b[p] == '}') {
                return p + 1;
            } else {
                throw syntax("expected ',' or '}'", p, base);
            }
        }
    }

    private int skipArray(byte[] b, int p, int end, int base, int depth) {
        if (depth > maxDepth) {
            throw new BadRequestBodyException("JSON nesting deeper than " + maxDepth, p - base);
        }
        p = skipWs(b, p + 1, end);
        if (p < end && b[p] == ']') {
            return p + 1;
        }
        while (true) {
            p = skipWs(b, skipValue(b, p, end, base, depth), end);
            if (p >= end) {
                throw eof(p, base);
            }
            if (b[p] == ',') {
                p = skipWs(b, p + 1, end);
            } else if (b[p] == ']') {
                return p + 1;
            } else {
                throw syntax("expected ',' or ']'", p, base);
            }
        }
    }

    private static int skipLiteral(byte[] b, int p, int end, int base, byte[] word) {
        for (int k = 0; k < word.length; k++) {
            if (p + k >= end) {
                throw eof(p + k, base);
            }
            if (b[p + k] != word[k]) {
                throw syntax(
                        "invalid literal, expected '" + new String(word, StandardCharsets.US_ASCII) + "'", p + k, base);
            }
        }
        return p + word.length;
    }

    private static int skipNumber(byte[] b, int p, int end, int base) {
        int i = p;
        if (b[i] == '-') {
            i++;
        }
        if (i >= end) {
            throw eof(i, base);
        }
        if (b[i] == '0') {
            i++;
        } else if (isDigit(b[i])) {
            i = skipDigits(b, i + 1, end);
        } else {
            throw syntax("expected a digit", i, base);
        }
        if (i < end && b[i] == '.') {
            i = requireDigits(b, i + 1, end, base);
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            i = requireDigits(b, i, end, base);
        }
        return i;
    }

    private static int requireDigits(byte[] b, int i, int end, int base) {
        if (i >= end) {
            throw eof(i, base);
        }
        if (!isDigit(b[i])) {
            throw syntax("expected a digit", i, base);
        }
        return skipDigits(b, i + 1, end);
    }

    private static int skipDigits(byte[] b, int i, int end) {
        while (i < end && isDigit(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** {@code p} is the opening quote. */
    private static int skipString(byte[] b, int p, int end, int base) {
        int i = p + 1;
        while (true) {
            // prompts are long runs of plain ASCII: skip them 32 bytes at a time (one branch for four words), then
            // eight at a time up to the byte that needs a look
            while (i + 4 * Long.BYTES <= end
                    && (attention((long) LONGS.get(b, i))
                                    | attention((long) LONGS.get(b, i + Long.BYTES))
                                    | attention((long) LONGS.get(b, i + 2 * Long.BYTES))
                                    | attention((long) LONGS.get(b, i + 3 * Long.BYTES)))
                            == 0) {
                i += 4 * Long.BYTES;
            }
            while (i + Long.BYTES <= end && isPlain((long) LONGS.get(b, i))) {
                i += Long.BYTES;
            }
            if (i >= end) {
                throw eof(i, base);
            }
            int c = b[i]; // negative for bytes >= 0x80
            if (c >= 0x20 && c != '"' && c != '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            } else if (c == '\\') {
                i = skipEscape(b, i, end, base);
            } else if (c < 0) {
                i = skipUtf8(b, i, end, base);
            } else {
                throw syntax(String.format("unescaped control character 0x%02x in string", c), i, base);
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Whether eight bytes need no attention inside a string: all ASCII, none a control character, a quote or a
     * backslash (SWAR: a byte test on all eight lanes at once; exact, since any lane that fails makes it false).
     */
    static boolean isPlain(long w) {
        if ((w & HIGHS) != 0) {
            return false; // non-ASCII: UTF-8 is checked byte by byte
        }
        long controls = (w - ONES * 0x20) & ~w & HIGHS; // some lane < 0x20 (lanes are < 0x80 here)
        long quotes = hasZero(w ^ (ONES * '"'));
        long backslashes = hasZero(w ^ (ONES * '\\'));
        return (controls | quotes | backslashes) == 0;
    }

    /**
     * Nonzero exactly when {@link #isPlain} is false for {@code w}: the same lane tests without a branch, so that
     * several words can be tested with one (a lane's high bit is set for a non-ASCII byte, and the control-character
     * test is exact once no lane has it).
     */
    static long attention(long w) {
        long controls = (w - ONES * 0x20) & ~w;
        long quotes = w ^ (ONES * '"');
        long backslashes = w ^ (ONES * '\\');
        return (w | controls | ((quotes - ONES) & ~quotes) | ((backslashes - ONES) & ~backslashes)) & HIGHS;
    }

    private static long hasZero(long v) {
        return (v - ONES) & ~v & HIGHS;
    }

    /** {@code i} is the backslash. */
    private static int skipEscape(byte[] b, int i, int end, int base) {
        if (i + 1 >= end) {
            throw eof(i + 1, base);
        }
        switch (b[i + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 2;
            }
            case 'u' -> {
                int unit = hex4(b, i + 2, end, base);
                int j = i + 6;
                if (unit >= 0xDC00 && unit <= 0xDFFF) {
                    throw syntax("unpaired low surrogate in \\u escape", i, base);
                }
                if (unit < 0xD800 || unit > 0xDBFF) {
                    return j;
                }
                // a high surrogate must be followed at once by an escaped low surrogate
                if (j >= end) {
                    throw eof(j, base);
                }
                if (b[j] != '\\') {
                    throw syntax(
                            "unpaired high surrogate in \\u escape, expected '\\u' for the low surrogate", j, base);
                }
                if (j + 1 >= end) {
                    throw eof(j + 1, base);
                }
                if (b[j + 1] != 'u') {
                    throw syntax(
                            "unpaired high surrogate in \\u escape, expected '\\u' for the low surrogate", j + 1, base);
                }
                int low = hex4(b, j + 2, end, base);
                if (low < 0xDC00 || low > 0xDFFF) {
                    throw syntax("unpaired high surrogate in \\u escape", j, base);
                }
                return j + 6;
            }
            default -> throw syntax("invalid escape sequence", i + 1, base);
        }
    }

    private static int hex4(byte[] b, int at, int end, int base) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            if (at + k >= end) {
                throw eof(at + k, base);
            }
            int h = JsonStrings.hexValue(b[at + k]);
            if (h < 0) {
                throw syntax("invalid hex digit in \\u escape", at + k, base);
            }
            v = v << 4 | h;
        }
        return v;
    }

    /** {@code i} is a byte >= 0x80 inside a string; checks one UTF-8 sequence (RFC 3629, table 3-7). */
    private static int skipUtf8(byte[] b, int i, int end, int base) {
        int lead = b[i] & 0xFF;
        int more;
        int lo = 0x80;
        int hi = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            more = 1;
        } else if (lead == 0xE0) {
            more = 2;
            lo = 0xA0; // overlong below
        } else if (lead == 0xED) {
            more = 2;
            hi = 0x9F; // UTF-16 surrogates above
        } else if (lead >= 0xE1 && lead <= 0xEF) {
            more = 2;
        } else if (lead == 0xF0) {
            more = 3;
            lo = 0x90; // overlong below
        } else if (lead >= 0xF1 && lead <= 0xF3) {
            more = 3;
        } else if (lead == 0xF4) {
            more = 3;
            hi = 0x8F; // above U+10FFFF
        } else {
            throw new BadRequestBodyException("invalid UTF-8 in string", i - base);
        }
        for (int k = 1; k <= more; k++) {
            if (i + k >= end) {
                throw eof(i + k, base);
            }
            int c = b[i + k] & 0xFF;
            if (c < lo || c > hi) {
                throw new BadRequestBodyException("invalid UTF-8 in string", i + k - base);
            }
            lo = 0x80;
            hi = 0xBF;
        }
        return i + more + 1;
    }

    // ---- errors ----

    private static boolean isValueStart(byte c) {
        return c == '{' || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' || isDigit(c);
    }

    /** The JSON type of a value starting with {@code c}, for messages. */
    private static String typeName(byte c) {
        return switch (c) {
            case '"' -> "string";
            case '{' -> "object";
            case '[' -> "array";
            case 't', 'f' -> "boolean";
            case 'n' -> "null";
            default -> "number";
        };
    }

    private static BadRequestBodyException eof(int at, int base) {
        return new BadRequestBodyException("unexpected end of input", at - base);
    }

    private static BadRequestBodyException syntax(String what, int at, int base) {
        return new BadRequestBodyException("invalid JSON: " + what, at - base);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
