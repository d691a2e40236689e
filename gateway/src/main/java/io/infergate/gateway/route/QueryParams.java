package io.infergate.gateway.route;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A query string decoded once: parameter name to the value of its first occurrence. Immutable and thread-safe.
 *
 * <p>Decoding: pairs split on {@code &}, name and value on the first {@code =} (a pair without {@code =} has
 * the empty value), {@code %XX} escapes decoded as UTF-8. A {@code +} stays a {@code +}: it means a space only
 * in HTML form bodies, not in URIs (RFC 3986). A malformed escape is kept literally rather than rejected;
 * matching then simply compares against the literal text.
 */
public final class QueryParams {

    private static final QueryParams EMPTY = new QueryParams(Map.of());

    private final Map<String, String> first;

    private QueryParams(Map<String, String> first) {
        this.first = first;
    }

    /** The empty query. */
    public static QueryParams empty() {
        return EMPTY;
    }

    /**
     * Decodes a raw query string (the part after {@code ?}, without the {@code ?}).
     *
     * @param raw may be {@code null} or empty (no parameters)
     */
    public static QueryParams parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> out = new HashMap<>();
        int start = 0;
        while (start <= raw.length()) {
            int amp = raw.indexOf('&', start);
            int end = amp < 0 ? raw.length() : amp;
            if (end > start) {
                int eq = raw.indexOf('=', start);
                String name;
                String value;
                if (eq < 0 || eq > end) {
                    name = decode(raw, start, end);
                    value = "";
                } else {
                    name = decode(raw, start, eq);
                    value = decode(raw, eq + 1, end);
                }
                out.putIfAbsent(name, value);
            }
            start = end + 1;
        }
        return new QueryParams(Map.copyOf(out));
    }

    /** The first value of {@code name}, or {@code null}. */
    public String get(String name) {
        return first.get(name);
    }

    /** Number of distinct parameter names. */
    public int size() {
        return first.size();
    }

    private static String decode(String s, int from, int to) {
        int pct = s.indexOf('%', from);
        if (pct < 0 || pct >= to) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '%' && hex(s, i + 1, to) >= 0 && hex(s, i + 2, to) >= 0) {
                bytes.write(hex(s, i + 1, to) << 4 | hex(s, i + 2, to));
                i += 3;
            } else if (c < 0x80) {
                bytes.write(c);
                i++;
            } else {
                int cp = s.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(cp);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(String s, int i, int to) {
        if (i >= to) {
            return -1;
        }
        return Character.digit(s.charAt(i), 16);
    }
}
