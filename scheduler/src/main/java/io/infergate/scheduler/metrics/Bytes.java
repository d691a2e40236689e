package io.infergate.scheduler.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte-level helpers of the text parser: character classes, a word-at-a-time newline search and the short,
 * printable quotes of bad input that go into problem messages.
 *
 * <p>Threading: stateless, any thread.
 */
final class Bytes {

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long NEWLINES = 0x0A0A_0A0A_0A0A_0A0AL;

    /** Bytes that may start a metric name: {@code [a-zA-Z_:]}. */
    static final boolean[] METRIC_NAME_START = new boolean[256];
    /** Bytes that may continue a metric name: {@code [a-zA-Z0-9_:]}. */
    static final boolean[] METRIC_NAME_CHAR = new boolean[256];
    /** Bytes that may start a label name: {@code [a-zA-Z_]}. */
    static final boolean[] LABEL_NAME_START = new boolean[256];
    /** Bytes that may continue a label name: {@code [a-zA-Z0-9_]}. */
    static final boolean[] LABEL_NAME_CHAR = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            boolean digit = c >= '0' && c <= '9';
            LABEL_NAME_START[c] = letter;
            LABEL_NAME_CHAR[c] = letter || digit;
            METRIC_NAME_START[c] = letter || c == ':';
            METRIC_NAME_CHAR[c] = letter || digit || c == ':';
        }
    }

    private static final int SNIPPET_CHARS = 40;

    private Bytes() {}

    static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    /** The first index of {@code '\n'} in {@code [from, to)}, or -1. Eight bytes per step. */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long x = (long) LONG_LE.get(b, i) ^ NEWLINES;
            // Sets the high bit of each zero byte of x (i.e. each '\n'); borrows only disturb bytes above the
            // first zero byte, so the lowest set bit is exact.
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Whether bytes {@code [start, end)} are exactly the ASCII string {@code s}. */
    static boolean equalsAscii(byte[] b, int start, int end, String s) {
        if (end - start != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[start + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether bytes {@code [start, end)} are the ASCII string {@code s}, ignoring letter case. */
    static boolean equalsIgnoreCaseAscii(byte[] b, int start, int end, String s) {
        if (end - start != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            int c = b[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != Character.toLowerCase(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** One byte for a message: {@code 'x'} when printable ASCII, else {@code byte 0x1F}. */
    static String describe(byte c) {
        int u = c & 0xff;
        return u >= 0x20 && u < 0x7f ? "'" + (char) u + "'" : String.format("byte 0x%02X", u);
    }

    /** Up to 40 bytes of {@code [start, end)} for a message, non-printables as {@code ?}, longer input cut with "...". */
    static String snippet(byte[] b, int start, int end) {
        int n = Math.min(end - start, SNIPPET_CHARS);
        StringBuilder sb = new StringBuilder(n + 5).append('\'');
        for (int i = 0; i < n; i++) {
            int u = b[start + i] & 0xff;
            sb.append(u >= 0x20 && u < 0x7f ? (char) u : '?');
        }
        if (end - start > n) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
