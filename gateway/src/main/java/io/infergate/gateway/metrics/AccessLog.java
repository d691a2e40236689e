package io.infergate.gateway.metrics;

import io.infergate.gateway.ProxyListener;
import io.infergate.gateway.RequestRecord;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One access-log line per finished request, in logfmt ({@code key=value}, values with spaces or quotes quoted),
 * at INFO on the SLF4J logger {@value #LOGGER}:
 * <pre>
 * request_id=7f3a.. method=POST path=/v1/chat/completions status=200 model=food-review
 * target_model=food-review-v1 pool=default/vllm endpoint=127.0.0.1:8000 priority=0 ttft_ms=41.2
 * prompt_tokens=12 completion_tokens=96 duration_ms=912.4 attempts=1 listener=default/gw/http error=-
 * </pre>
 * (one line). Absent values are {@code -}; {@code ttft_ms} is {@code -} when no first token reached the client.
 *
 * <p>Values a client chose (request id, path, model names) are written so that no input can forge a line or a
 * field: control characters (U+0000 to U+001F, U+007F) are escaped ({@code \n}, {@code \r}, {@code \t},
 * otherwise {@code \}{@code u00XX}), and a value longer than {@value #MAX_VALUE_CHARS} characters is cut there and
 * marked {@code ...(+N)} with the number of characters left out.
 *
 * <p>Threading: called on event loops. Formatting is a few appends; the write itself is the logging backend's,
 * so configure an asynchronous appender for this logger when the console or disk may stall (the default
 * configuration writes to stderr synchronously). Disabled at INFO, it costs one level check.
 */
public final class AccessLog implements ProxyListener {

    /** Longest value written whole; a 1 KB model name must not make every line of a flood 1 KB longer. */
    static final int MAX_VALUE_CHARS = 256;

    /** The logger name. */
    public static final String LOGGER = "io.infergate.access";

    private final Consumer<String> sink;
    private final Logger logger;

    /** Writes to the {@value #LOGGER} logger. */
    public AccessLog() {
        this.logger = LoggerFactory.getLogger(LOGGER);
        this.sink = logger::info;
    }

    /** Writes every line to {@code sink} (for tests). */
    AccessLog(Consumer<String> sink) {
        this.logger = null;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void onComplete(RequestRecord r) {
        if (logger != null && !logger.isInfoEnabled()) {
            return;
        }
        sink.accept(format(r));
    }

    /** The line for one record. */
    static String format(RequestRecord r) {
        StringBuilder b = new StringBuilder(256);
        field(b, "request_id", r.requestId());
        field(b, "method", r.method());
        field(b, "path", r.path());
        b.append(" status=").append(r.status());
        field(b, "model", r.incomingModel());
        field(b, "target_model", r.targetModel());
        field(b, "pool", r.pool());
        field(b, "endpoint", r.endpoint());
        b.append(" priority=").append(r.priority());
        b.append(" ttft_ms=");
        if (r.ttftNanos() > 0) {
            millis(b, r.ttftNanos());
        } else {
            b.append('-');
        }
        b.append(" prompt_tokens=").append(r.promptTokens());
        b.append(" completion_tokens=").append(r.completionTokens());
        b.append(" duration_ms=");
        millis(b, r.durationNanos());
        b.append(" attempts=").append(r.attempts());
        field(b, "listener", r.listener());
        field(b, "error", r.errorType());
        return b.substring(1);
    }

    /**
     * Milliseconds with one decimal, rounded half up on the exact nanosecond count. Integer arithmetic rather than
     * {@code String.format("%.1f")}: the formatter cost about half of this class's time on the event loop.
     */
    static void millis(StringBuilder b, long nanos) {
        long tenths = (Math.abs(nanos) + 50_000) / 100_000;
        if (nanos < 0 && tenths > 0) {
            b.append('-');
        }
        b.append(tenths / 10).append('.').append(tenths % 10);
    }

    /**
     * A client's string as the access log writes a value: escaped, quoted when needed, cut after
     * {@value #MAX_VALUE_CHARS} characters; {@code -} for null or empty. For other log lines that quote clients.
     */
    public static String escape(String value) {
        StringBuilder b = new StringBuilder();
        field(b, "", value);
        return b.substring(2); // the " =" of an unnamed field
    }

    private static void field(StringBuilder b, String key, String value) {
        b.append(' ').append(key).append('=');
        if (value == null || value.isEmpty()) {
            b.append('-');
            return;
        }
        int n = Math.min(value.length(), MAX_VALUE_CHARS);
        if (n < value.length() && Character.isHighSurrogate(value.charAt(n - 1))) {
            n--; // never half a character
        }
        boolean quote = n < value.length();
        for (int i = 0; i < n && !quote; i++) {
            char c = value.charAt(i);
            quote = c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7F;
        }
        if (!quote) {
            b.append(value);
            return;
        }
        b.append('"');
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (n < value.length()) {
            b.append("...(+").append(value.length() - n).append(')');
        }
        b.append('"');
    }
}
