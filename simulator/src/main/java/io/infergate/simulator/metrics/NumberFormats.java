package io.infergate.simulator.metrics;

import java.math.BigDecimal;

/**
 * How each server's exposition library prints a double. Scrapers parse all of these to the same value; we
 * reproduce them anyway so that a diff against a real server's {@code /metrics} shows only real differences.
 *
 * <p>All methods start from the shortest decimal that round-trips ({@link Double#toString} since JDK 19),
 * which is the same digit string Python's {@code repr}, Rust's {@code Display} and C++'s
 * {@code std::to_chars} choose; only the layout differs.
 *
 * <p>Threading: stateless, any thread.
 */
final class NumberFormats {

    private NumberFormats() {}

    /**
     * Python {@code prometheus_client.utils.floatToGoString}: {@code 8.0}, {@code 0.25}, {@code +Inf},
     * {@code 1.257894567e+09} (Go switches to an exponent at 1e6 where Python would not until 1e16).
     */
    static String python(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        String s = pythonRepr(d);
        int dot = s.indexOf('.');
        if (d > 0 && dot > 6) {
            String mantissa = stripTrailing(s.charAt(0) + "." + s.substring(1, dot) + s.substring(dot + 1));
            // prometheus_client writes "e+0" + exponent, so 1e10 comes out as "1e+010"; kept for fidelity.
            return mantissa + "e+0" + (dot - 1);
        }
        return s;
    }

    /** Python {@code repr(float)} / {@code str(float)}: {@code 0.9}, {@code 16.0}, {@code 1e-05}, {@code 1e+16}. */
    static String pythonRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        Decimal x = Decimal.of(d);
        if (x.exponent >= -4 && x.exponent < 16) {
            String plain = x.plain();
            return plain.indexOf('.') < 0 ? plain + ".0" : plain;
        }
        return x.scientific(2);
    }

    /** Rust {@code f64} {@code Display} (metrics-exporter-prometheus): {@code 5}, {@code 0.00015}, never an exponent. */
    static String rust(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        return Decimal.of(d).plain();
    }

    /**
     * prometheus-cpp (Triton): {@code std::to_chars} shortest form, fixed or scientific whichever is shorter
     * (fixed on a tie), with prometheus-cpp's own spelling {@code Nan} / {@code +Inf} / {@code -Inf}.
     */
    static String cpp(double d) {
        if (Double.isNaN(d)) {
            return "Nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        Decimal x = Decimal.of(d);
        String fixed = x.plain();
        String sci = x.scientific(2);
        return sci.length() < fixed.length() ? sci : fixed;
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '0' || s.charAt(end - 1) == '.')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** A finite non-zero double as sign, significant digits and the decimal exponent of the first digit. */
    private record Decimal(boolean negative, String digits, int exponent) {

        static Decimal of(double d) {
            BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
            String digits = bd.unscaledValue().toString();
            return new Decimal(d < 0, digits, digits.length() - 1 - bd.scale());
        }

        String plain() {
            StringBuilder sb = new StringBuilder(digits.length() + 8);
            if (negative) {
                sb.append('-');
            }
            if (exponent < 0) {
                sb.append("0.");
                sb.repeat('0', -exponent - 1);
                sb.append(digits);
            } else if (exponent + 1 >= digits.length()) {
                sb.append(digits);
                sb.repeat('0', exponent + 1 - digits.length());
            } else {
                sb.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
            }
            return sb.toString();
        }

        String scientific(int minExponentDigits) {
            StringBuilder sb = new StringBuilder(digits.length() + 8);
            if (negative) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exponent));
            sb.repeat('0', Math.max(0, minExponentDigits - e.length()));
            return sb.append(e).toString();
        }
    }
}
