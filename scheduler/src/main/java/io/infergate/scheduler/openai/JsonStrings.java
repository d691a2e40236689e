package io.infergate.scheduler.openai;

import java.nio.charset.StandardCharsets;

/**
 * JSON string escaping and decoding for the few strings the gateway touches. Decoding methods assume
 * the input was already validated by {@link OpenAiRequestScanner}; they do not re-check syntax.
 * Stateless; safe from any thread.
 */
final class JsonStrings {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private JsonStrings() {}

    /**
     * The JSON string content (without quotes) for {@code s}, escaped the way pydantic/serde_json and
     * Python's {@code json} write it for ASCII: {@code \"}, {@code \\}, the short forms {@code \b \f \n \r \t},
     * other control characters as lowercase <code>&#92;u00XX</code>; everything else, including {@code /} and
     * non-ASCII, as raw UTF-8. That is also what vLLM echoes, so the restorer's pattern matches it.
     *
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate (no UTF-8 form exists)
     */
    static byte[] escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("model name has an unpaired surrogate at index " + i);
            }
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int extra = 0;
        for (byte b : utf8) {
            if (b == '"' || b == '\\') {
                extra += 1;
            } else if (b >= 0 && b < 0x20) {
                extra += shortEscape(b) != 0 ? 1 : 5;
            }
        }
        if (extra == 0) {
            return utf8;
        }
        byte[] out = new byte[utf8.length + extra];
        int n = 0;
        for (byte b : utf8) {
            if (b == '"' || b == '\\') {
                out[n++] = '\\';
                out[n++] = b;
            } else if (b >= 0 && b < 0x20) {
                byte e = shortEscape(b);
                out[n++] = '\\';
                if (e != 0) {
                    out[n++] = e;
                } else {
                    out[n++] = 'u';
                    out[n++] = '0';
                    out[n++] = '0';
                    out[n++] = HEX[b >> 4];
                    out[n++] = HEX[b & 0xF];
                }
            } else {
                out[n++] = b;
            }
        }
        return out;
    }

    private static byte shortEscape(byte b) {
        return switch (b) {
            case '\b' -> 'b';
            case '\f' -> 'f';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> 0;
        };
    }

    /** Value of a hex digit, or -1. */
    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private static int hex4(byte[] b, int at) {
        return hexValue(b[at]) << 12 | hexValue(b[at + 1]) << 8 | hexValue(b[at + 2]) << 4 | hexValue(b[at + 3]);
    }

    /**
     * Decodes a validated JSON string token. {@code from} is the index of the opening quote,
     * {@code to} the index just after the closing quote.
     */
    static String decode(byte[] b, int from, int to) {
        int start = from + 1;
        int end = to - 1;
        int firstEscape = -1;
        for (int i = start; i < end; i++) {
            if (b[i] == '\\') {
                firstEscape = i;
                break;
            }
        }
        if (firstEscape < 0) {
            return new String(b, start, end - start, StandardCharsets.UTF_8);
        }
        // the decoded UTF-8 is never longer than its escaped form (a 6-byte u-escape decodes to at most 3)
        byte[] out = new byte[end - start];
        int n = firstEscape - start;
        System.arraycopy(b, start, out, 0, n);
        int i = firstEscape;
        while (i < end) {
            byte c = b[i];
            if (c != '\\') {
                out[n++] = c;
                i++;
                continue;
            }
            byte e = b[i + 1];
            if (e != 'u') {
                out[n++] = unescapeShort(e);
                i += 2;
                continue;
            }
            int cp = hex4(b, i + 2);
            i += 6;
            if (Character.isHighSurrogate((char) cp)) {
                cp = Character.toCodePoint((char) cp, (char) hex4(b, i + 2));
                i += 6;
            }
            n = putUtf8(out, n, cp);
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static byte unescapeShort(byte e) {
        return switch (e) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> e; // '"', '\\', '/'
        };
    }

    private static int putUtf8(byte[] out, int n, int cp) {
        if (cp < 0x80) {
            out[n++] = (byte) cp;
        } else if (cp < 0x800) {
            out[n++] = (byte) (0xC0 | cp >> 6);
            out[n++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            out[n++] = (byte) (0xE0 | cp >> 12);
            out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[n++] = (byte) (0x80 | cp & 0x3F);
        } else {
            out[n++] = (byte) (0xF0 | cp >> 18);
            out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
            out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[n++] = (byte) (0x80 | cp & 0x3F);
        }
        return n;
    }

    /**
     * Whether the validated string content {@code b[from, to)} (between the quotes) decodes to the ASCII
     * {@code name}. Used only for keys that contain escapes, which is rare, so it favours simplicity.
     */
    static boolean decodesTo(byte[] b, int from, int to, byte[] name) {
        int i = from;
        int k = 0;
        while (i < to) {
            int ch;
            byte c = b[i];
            if (c == '\\') {
                byte e = b[i + 1];
                if (e == 'u') {
                    ch = hex4(b, i + 2);
                    i += 6;
                } else {
                    ch = unescapeShort(e);
                    i += 2;
                }
            } else {
                ch = c; // negative for non-ASCII bytes, which never match an ASCII name
                i++;
            }
            if (k == name.length || name[k] != ch) {
                return false;
            }
            k++;
        }
        return k == name.length;
    }
}
