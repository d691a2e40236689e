package io.infergate.api.load;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Kubernetes {@code resource.Quantity} as GIE's flow-control limits use it: {@code <number><suffix>}, with binary
 * suffixes {@code Ki Mi Gi Ti Pi Ei}, decimal ones {@code n u m "" k M G T P E}, or an exponent {@code e3}/{@code E3};
 * a leading sign is allowed. {@link #value} is {@code Quantity.Value()}: rounded up (away from zero) to an integer.
 * Stateless and thread-safe.
 */
final class Quantities {

    static final String EXPECTED = "a Kubernetes quantity such as 100, 1k, 500M or 1Gi";

    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("n", new BigDecimal("1e-9")),
            Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")),
            Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")),
            Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    private Quantities() {}

    /**
     * The integer value of a quantity, rounded away from zero.
     *
     * @throws IllegalArgumentException when the text is not a quantity or its value does not fit in 64 bits
     */
    static long value(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        int pos = 0;
        boolean negative = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            pos++;
        }
        int numberStart = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        if (pos < s.length() && s.charAt(pos) == '.') {
            pos++;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
        }
        String number = s.substring(numberStart, pos);
        if (number.isEmpty() || number.equals(".")) {
            throw new IllegalArgumentException("no number");
        }
        String suffix = s.substring(pos);
        BigDecimal multiplier = SUFFIXES.get(suffix);
        String digits = number.endsWith(".") ? number + "0" : number.startsWith(".") ? "0" + number : number;
        BigDecimal magnitude = new BigDecimal(digits);
        BigDecimal v;
        if (multiplier != null) {
            v = magnitude.multiply(multiplier);
        } else if (suffix.matches("[eE][+-]?[0-9]+")) {
            int exponent;
            try {
                exponent = Integer.parseInt(suffix.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("exponent out of range");
            }
            if (Math.abs(exponent) > 1000) {
                throw new IllegalArgumentException("exponent out of range");
            }
            v = magnitude.scaleByPowerOfTen(exponent);
        } else {
            throw new IllegalArgumentException("unknown suffix \"" + suffix + "\"");
        }
        BigDecimal rounded = v.setScale(0, RoundingMode.UP);
        if (negative) {
            rounded = rounded.negate();
        }
        try {
            return rounded.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("out of range");
        }
    }
}
