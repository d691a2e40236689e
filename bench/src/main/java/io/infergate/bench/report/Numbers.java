package io.infergate.bench.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Compact, locale-independent number formatting shared by the Markdown and SVG writers. Stateless. */
final class Numbers {

    /** What a missing value (NaN) prints as. */
    static final String MISSING = "–";

    private Numbers() {}

    /**
     * About three significant digits, grouped thousands: {@code 1,234}, {@code 123}, {@code 12.3}, {@code 1.23},
     * {@code 0.42}, {@code 0.0042}; NaN as {@value #MISSING}.
     */
    static String compact(double v) {
        if (Double.isNaN(v)) {
            return MISSING;
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        // thresholds on the rounded value, so 99.96 prints as 100, not 100.0
        if (a >= 99.5) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 9.995) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.00995) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return new BigDecimal(v).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }

    /** A fraction as a percentage with one decimal, without the sign: {@code 0.973 -> 97.3}. */
    static String percent(double fraction) {
        return Double.isNaN(fraction) ? MISSING : String.format(Locale.ROOT, "%.1f", fraction * 100);
    }

    /** An integer with grouped thousands. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A rate or other plain value as short as it is exact: {@code 2}, {@code 0.5}, {@code 12.25}. */
    static String plain(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return compact(v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
