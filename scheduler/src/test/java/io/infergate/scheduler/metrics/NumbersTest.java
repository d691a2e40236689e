package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumbersTest {

    private static final long SEED = 0xF10A7L;

    private static double parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Numbers.parseDouble(b, 0, b.length);
    }

    private static long timestamp(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Numbers.parseTimestamp(b, 0, b.length);
    }

    /** Bit-exact agreement with {@link Double#parseDouble} on many spellings of random doubles. */
    @Test
    void agreesBitForBitWithTheJdkOnRandomValues() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 2_000; i++) {
            double d = switch (i % 4) {
                case 0 -> random.nextDouble();
                case 1 -> random.nextLong(1_000_000_000L) / Math.pow(10, random.nextInt(12));
                case 2 -> Double.longBitsToDouble(random.nextLong() & 0x7fef_ffff_ffff_ffffL); // any finite >= 0
                default -> random.nextInt(100_000) * 1.0;
            };
            if (random.nextBoolean()) {
                d = -d;
            }
            for (String s : new String[] {
                Double.toString(d),
                String.format(Locale.ROOT, "%.6e", d),
                String.format(Locale.ROOT, "%.3f", d),
                new BigDecimal(d).toPlainString(),
                new BigDecimal(d).stripTrailingZeros().toString(),
            }) {
                assertThat(Double.doubleToRawLongBits(parse(s)))
                        .as(s)
                        .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(s)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0",
                "8.0",
                "0.28",
                "27453.0",
                "1e+010",
                "7.557572e+06",
                "2.3518979474117756e+06",
                "1.7395575723949368e+09",
                "0.054079003038578405",
                "00012.5000",
                "1E3",
                "-1.5E-3",
                "+2",
                "5.",
                ".5",
                "123456789012345678901234567890",
                "1e-400",
                "1e400",
                "4.9e-324",
                "1.7976931348623157e308"
            })
    void decimalSpellings(String s) {
        assertThat(parse(s)).isEqualTo(Double.parseDouble(s));
    }

    @Test
    void specialValuesInAnyCase() {
        for (String inf : new String[] {"Inf", "+Inf", "inf", "INF", "Infinity", "+infinity"}) {
            assertThat(parse(inf)).as(inf).isEqualTo(Double.POSITIVE_INFINITY);
        }
        for (String inf : new String[] {"-Inf", "-inf", "-Infinity"}) {
            assertThat(parse(inf)).as(inf).isEqualTo(Double.NEGATIVE_INFINITY);
        }
        for (String nan : new String[] {"NaN", "Nan", "nan", "NAN"}) {
            double v = parse(nan);
            assertThat(v).as(nan).isNaN();
            assertThat(Numbers.isInvalid(v)).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "+",
                "-",
                ".",
                "e5",
                "1e",
                "1e+",
                "1.0d",
                "1f",
                "0x10",
                "0x1p3",
                "1_000",
                "1,5",
                "--1",
                "+-1",
                "1.2.3",
                "Infinit",
                "Infinityy",
                "+NaN",
                "-nan",
                "nan1",
                " 1",
                "1 "
            })
    void malformedValuesAreInvalid(String s) {
        assertThat(Numbers.isInvalid(parse(s))).as("'%s'", s).isTrue();
    }

    @Test
    void timestamps() {
        assertThat(timestamp("0")).isZero();
        assertThat(timestamp("1700000000123")).isEqualTo(1_700_000_000_123L);
        assertThat(timestamp("-5")).isEqualTo(-5);
        assertThat(timestamp("+7")).isEqualTo(7);
        assertThat(timestamp("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(timestamp("-9223372036854775807")).isEqualTo(-Long.MAX_VALUE);
        for (String bad : new String[] {
            "", "-", "+", "1.5", "1e3", "12x", "9223372036854775808", "-9223372036854775808", "99999999999999999999"
        }) {
            assertThat(timestamp(bad)).as("'%s'", bad).isEqualTo(Numbers.INVALID_TIMESTAMP);
        }
    }
}
