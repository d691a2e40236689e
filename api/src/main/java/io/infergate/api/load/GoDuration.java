package io.infergate.api.load;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration}, which GIE uses for every duration in its configuration ({@code metav1.Duration}
 * fields such as {@code flowControl.defaultRequestTTL} and plugin parameters such as the utilization detector's
 * {@code metricsStalenessThreshold}): a possibly signed sequence of decimal numbers, each with an optional fraction
 * and a unit suffix, such as {@code 300ms}, {@code -1.5h} or {@code 2h45m}. Units: {@code ns}, {@code us} (or
 * {@code µs}, {@code μs}), {@code ms}, {@code s}, {@code m}, {@code h}. {@code "0"} is the only value without a unit.
 * Values beyond Go's int64 nanoseconds (about 292 years) are invalid, as in Go; fractions are truncated to the
 * nanosecond with Go's float arithmetic, so the result is the one Go computes.
 *
 * <p>Stateless and thread-safe.
 */
public final class GoDuration {

    /** For messages: what a duration looks like. */
    public static final String EXPECTED = "a Go duration such as 200ms, 1.5s, 5m or 1h30m (units: ns, us, ms, s, m, h)";

    private static final Map<String, Long> UNITS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "\u00b5s", 1_000L, // micro sign
            "\u03bcs", 1_000L, // Greek small letter mu
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);
    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(63); // 1<<63, as Go's uint64 checks

    private GoDuration() {}

    /**
     * Parses {@code text} as Go does.
     *
     * @throws IllegalArgumentException with Go's reason ({@code invalid duration}, {@code missing unit},
     *                                  {@code unknown unit "x"}) when it is not a duration
     */
    public static Duration parse(String text) {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid();
        }
        BigInteger total = BigInteger.ZERO;
        while (!s.isEmpty()) {
            char c = s.charAt(0);
            if (!(c == '.' || c >= '0' && c <= '9')) {
                throw invalid();
            }
            // the integer part: [0-9]*
            int i = 0;
            BigInteger v = BigInteger.ZERO;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                v = v.multiply(BigInteger.TEN).add(BigInteger.valueOf(s.charAt(i) - '0'));
                if (v.compareTo(LIMIT) > 0) {
                    throw invalid();
                }
                i++;
            }
            boolean pre = i > 0;
            s = s.substring(i);
            // the fraction: (\.[0-9]*)?
            boolean post = false;
            long fraction = 0;
            double scale = 1;
            if (!s.isEmpty() && s.charAt(0) == '.') {
                s = s.substring(1);
                int j = 0;
                boolean overflow = false;
                while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                    if (!overflow) {
                        try {
                            fraction = Math.addExact(Math.multiplyExact(fraction, 10L), s.charAt(j) - '0');
                            scale *= 10;
                        } catch (ArithmeticException e) {
                            overflow = true; // Go keeps consuming digits but ignores them
                        }
                    }
                    j++;
                }
                post = j > 0;
                s = s.substring(j);
            }
            if (!pre && !post) {
                throw invalid(); // no digits, e.g. ".s"
            }
            // the unit
            int u = 0;
            while (u < s.length() && s.charAt(u) != '.' && !(s.charAt(u) >= '0' && s.charAt(u) <= '9')) {
                u++;
            }
            if (u == 0) {
                throw new IllegalArgumentException("missing unit");
            }
            String unitName = s.substring(0, u);
            s = s.substring(u);
            Long unit = UNITS.get(unitName);
            if (unit == null) {
                throw new IllegalArgumentException("unknown unit \"" + unitName + "\"");
            }
            BigInteger unitBig = BigInteger.valueOf(unit);
            if (v.compareTo(LIMIT.divide(unitBig)) > 0) {
                throw invalid();
            }
            v = v.multiply(unitBig);
            if (fraction > 0) {
                // Go: v += uint64(float64(f) * (float64(unit) / scale))
                v = v.add(BigInteger.valueOf((long) ((double) fraction * ((double) unit / scale))));
                if (v.compareTo(LIMIT) > 0) {
                    throw invalid();
                }
            }
            total = total.add(v);
            if (total.compareTo(LIMIT) > 0) {
                throw invalid();
            }
        }
        if (negative) {
            return Duration.ofNanos(total.negate().longValueExact());
        }
        if (total.compareTo(LIMIT.subtract(BigInteger.ONE)) > 0) {
            throw invalid();
        }
        return Duration.ofNanos(total.longValueExact());
    }

    /** Go's spelling of a duration ({@code time.Duration.String}): {@code 1h30m0s}, {@code 200ms}, {@code 0s}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        BigInteger u = BigInteger.valueOf(nanos).abs();
        String body;
        if (u.compareTo(BigInteger.valueOf(1_000_000_000L)) < 0) {
            long n = u.longValue();
            if (n < 1_000) {
                body = n + "ns";
            } else if (n < 1_000_000) {
                body = fraction(n, 1_000) + "\u00b5s";
            } else {
                body = fraction(n, 1_000_000) + "ms";
            }
        } else {
            BigInteger[] hs = u.divideAndRemainder(BigInteger.valueOf(3_600_000_000_000L));
            long rest = hs[1].longValue();
            long minutes = rest / 60_000_000_000L;
            long secNanos = rest % 60_000_000_000L;
            StringBuilder sb = new StringBuilder();
            if (hs[0].signum() > 0) {
                sb.append(hs[0]).append('h').append(minutes).append('m');
            } else if (minutes > 0) {
                sb.append(minutes).append('m');
            }
            sb.append(fraction(secNanos, 1_000_000_000L)).append('s');
            body = sb.toString();
        }
        return negative ? "-" + body : body;
    }

    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String digits = Long.toString(unit + rest).substring(1); // zero-padded
        return whole + "." + digits.replaceAll("0+$", "");
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("invalid duration");
    }
}
