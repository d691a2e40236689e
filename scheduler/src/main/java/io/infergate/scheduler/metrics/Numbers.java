package io.infergate.scheduler.metrics;

import java.nio.charset.StandardCharsets;

/**
 * Sample values and timestamps from ASCII bytes, without allocating in the common case.
 *
 * <p>Values accept what Prometheus' own parser (Go {@code strconv.ParseFloat}) accepts from the servers we
 * read: decimal and scientific notation ({@code 8.0}, {@code .5}, {@code 7.557572e+06}, Python's
 * {@code 1e+010}) and, in any letter case, {@code Inf}, {@code +Inf}, {@code -Inf}, {@code Infinity} and
 * {@code NaN} (prometheus-cpp writes {@code Nan}, Rust {@code inf}). Hex floats and Java's {@code 1.0d} are
 * rejected. Up to 19 significant digits and a decimal exponent within ±22 are converted exactly with one
 * multiplication or division (the Clinger fast path); longer inputs fall back to {@link Double#parseDouble},
 * which allocates one short string.
 *
 * <p>Threading: stateless, any thread.
 */
final class Numbers {

    /** Returned by {@link #parseDouble} for malformed input: a NaN with a payload no valid input yields. */
    static final long INVALID_DOUBLE_BITS = 0x7ff8_dead_beef_0001L;
    /** Returned by {@link #parseTimestamp} for malformed or out-of-range input. */
    static final long INVALID_TIMESTAMP = Long.MIN_VALUE;

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    };
    private static final long EXACT_MANTISSA_LIMIT = 1L << 53;
    private static final int MAX_MANTISSA_DIGITS = 18; // 10^18 - 1 fits a long with room for one more digit

    private Numbers() {}

    static boolean isInvalid(double v) {
        return Double.doubleToRawLongBits(v) == INVALID_DOUBLE_BITS;
    }

    /** The value of {@code [start, end)}, or a NaN for which {@link #isInvalid} holds. */
    static double parseDouble(byte[] b, int start, int end) {
        int i = start;
        boolean negative = false;
        boolean signed = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            signed = true;
            i++;
        }
        if (i == end) {
            return invalid();
        }
        byte first = b[i];
        if (first == 'i' || first == 'I' || first == 'n' || first == 'N') {
            return special(b, i, end, negative, signed);
        }
        long mantissa = 0;
        int digits = 0;
        int exponent = 0;
        boolean anyDigit = false;
        boolean inexact = false;
        for (; i < end && isDigit(b[i]); i++) {
            anyDigit = true;
            int d = b[i] - '0';
            if (mantissa == 0 && d == 0) {
                continue; // leading zero
            }
            if (digits < MAX_MANTISSA_DIGITS) {
                mantissa = mantissa * 10 + d;
                digits++;
            } else {
                exponent++;
                inexact |= d != 0;
            }
        }
        if (i < end && b[i] == '.') {
            for (i++; i < end && isDigit(b[i]); i++) {
                anyDigit = true;
                int d = b[i] - '0';
                if (mantissa == 0 && d == 0) {
                    exponent--;
                } else if (digits < MAX_MANTISSA_DIGITS) {
                    mantissa = mantissa * 10 + d;
                    digits++;
                    exponent--;
                } else {
                    inexact |= d != 0;
                }
            }
        }
        if (!anyDigit) {
            return invalid();
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean negativeExponent = false;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                negativeExponent = b[i] == '-';
                i++;
            }
            if (i == end || !isDigit(b[i])) {
                return invalid();
            }
            int e = 0;
            for (; i < end && isDigit(b[i]); i++) {
                if (e < 100_000) { // beyond this every double is 0 or infinite; stop growing
                    e = e * 10 + (b[i] - '0');
                }
            }
            exponent += negativeExponent ? -e : e;
        }
        if (i != end) {
            return invalid();
        }
        if (mantissa == 0) {
            return negative ? -0.0 : 0.0;
        }
        if (!inexact && mantissa <= EXACT_MANTISSA_LIMIT && exponent >= -22 && exponent <= 22) {
            // Both operands are exact doubles, so the one rounding of * or / is the correctly rounded result.
            double v = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
            return negative ? -v : v;
        }
        return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    }

    /** A timestamp in milliseconds: {@code [+-]?[0-9]+} within a long, or {@link #INVALID_TIMESTAMP}. */
    static long parseTimestamp(byte[] b, int start, int end) {
        int i = start;
        boolean negative = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i == end) {
            return INVALID_TIMESTAMP;
        }
        long v = 0; // accumulated negatively so that Long.MIN_VALUE + 1 .. MAX_VALUE all fit
        for (; i < end; i++) {
            if (!isDigit(b[i])) {
                return INVALID_TIMESTAMP;
            }
            int d = b[i] - '0';
            if (v < (Long.MIN_VALUE + d) / 10) {
                return INVALID_TIMESTAMP;
            }
            v = v * 10 - d;
        }
        if (v == Long.MIN_VALUE) {
            return INVALID_TIMESTAMP;
        }
        return negative ? v : -v;
    }

    private static double special(byte[] b, int i, int end, boolean negative, boolean signed) {
        if (Bytes.equalsIgnoreCaseAscii(b, i, end, "inf") || Bytes.equalsIgnoreCaseAscii(b, i, end, "infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!signed && Bytes.equalsIgnoreCaseAscii(b, i, end, "nan")) {
            return Double.NaN;
        }
        return invalid();
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static double invalid() {
        return Double.longBitsToDouble(INVALID_DOUBLE_BITS);
    }
}
