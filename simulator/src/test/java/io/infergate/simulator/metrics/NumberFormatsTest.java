package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.metrics.PrometheusTextParser.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NumberFormatsTest {

    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    /** Every value and {@code le} string in a real scrape, exactly as printed. */
    private static List<String> printedNumbers(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            out.add(line.substring(line.lastIndexOf(' ') + 1));
            Matcher le = LE.matcher(line);
            if (le.find() && !le.group(1).equals("+Inf")) {
                out.add(le.group(1));
            }
        }
        return out;
    }

    @Test
    void pythonSpellingReproducesEveryNumberOfTheRealSglangAndVllmScrapes() {
        List<String> printed = new ArrayList<>(printedNumbers(Fixtures.read(Fixtures.SGLANG)));
        printed.addAll(printedNumbers(Fixtures.vllmWithoutElision()));
        assertThat(printed).hasSizeGreaterThan(100);
        for (String s : printed) {
            assertThat(NumberFormats.python(Double.parseDouble(s))).as(s).isEqualTo(s);
        }
    }

    @Test
    void cppSpellingReproducesEveryNumberOfTheRealTritonScrape() {
        List<String> printed = printedNumbers(Fixtures.read(Fixtures.TRITON));
        assertThat(printed).hasSizeGreaterThan(10);
        for (String s : printed) {
            assertThat(NumberFormats.cpp(Double.parseDouble(s))).as(s).isEqualTo(s);
        }
    }

    @Test
    void pythonSwitchesToGoExponentsAtAMillion() {
        assertThat(NumberFormats.python(999999.0)).isEqualTo("999999.0");
        assertThat(NumberFormats.python(1_000_000.0)).isEqualTo("1e+06");
        assertThat(NumberFormats.python(1_257_894_567.0)).isEqualTo("1.257894567e+09");
        assertThat(NumberFormats.python(1.7356896001005452e9)).isEqualTo("1.7356896001005452e+09");
        assertThat(NumberFormats.python(1e10)).isEqualTo("1e+010"); // prometheus_client's own quirk
        assertThat(NumberFormats.python(1e16)).isEqualTo("1e+16"); // Python repr is already exponential
        assertThat(NumberFormats.python(-2_000_000.0)).isEqualTo("-2000000.0");
    }

    @Test
    void pythonSmallAndSpecialValues() {
        assertThat(NumberFormats.python(0.0)).isEqualTo("0.0");
        assertThat(NumberFormats.python(-0.0)).isEqualTo("-0.0");
        assertThat(NumberFormats.python(8)).isEqualTo("8.0");
        assertThat(NumberFormats.python(0.0001)).isEqualTo("0.0001");
        assertThat(NumberFormats.python(0.00001)).isEqualTo("1e-05");
        assertThat(NumberFormats.python(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(NumberFormats.python(Double.NaN)).isEqualTo("NaN");
        assertThat(NumberFormats.python(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(NumberFormats.python(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(NumberFormats.pythonRepr(0.9)).isEqualTo("0.9");
        assertThat(NumberFormats.pythonRepr(16)).isEqualTo("16.0");
        assertThat(NumberFormats.pythonRepr(1e22)).isEqualTo("1e+22");
    }

    @Test
    void rustDisplayNeverUsesAnExponentOrATrailingPointZero() {
        assertThat(NumberFormats.rust(5)).isEqualTo("5");
        assertThat(NumberFormats.rust(0)).isEqualTo("0");
        assertThat(NumberFormats.rust(0.0001 * 1.5)).isEqualTo("0.00015000000000000001");
        assertThat(NumberFormats.rust(1e21)).isEqualTo("1000000000000000000000");
        assertThat(NumberFormats.rust(1e-7)).isEqualTo("0.0000001");
        assertThat(NumberFormats.rust(-2.5)).isEqualTo("-2.5");
        assertThat(NumberFormats.rust(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    }

    @Test
    void cppPicksTheShorterOfFixedAndScientific() {
        assertThat(NumberFormats.cpp(1_700_074_049)).isEqualTo("1700074049");
        assertThat(NumberFormats.cpp(1e20)).isEqualTo("1e+20");
        assertThat(NumberFormats.cpp(1e-7)).isEqualTo("1e-07");
        assertThat(NumberFormats.cpp(0.4875)).isEqualTo("0.4875");
        assertThat(NumberFormats.cpp(Double.NaN)).isEqualTo("Nan");
    }

    @Test
    void everySpellingParsesBackToTheSameDouble() {
        double[] values = {0.1 + 0.2, 1 / 3.0, 123456.789, 9.87654321e-9, 4.2e17, Double.MIN_VALUE, Double.MAX_VALUE};
        for (double v : values) {
            for (String s : List.of(NumberFormats.python(v), NumberFormats.rust(v), NumberFormats.cpp(v))) {
                Sample parsed =
                        PrometheusTextParser.parse("m " + s + "\n").samples().get(0);
                assertThat(parsed.value()).as(s).isEqualTo(v);
            }
        }
    }
}
