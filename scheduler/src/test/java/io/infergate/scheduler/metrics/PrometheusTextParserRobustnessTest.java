package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import io.infergate.scheduler.metrics.RecordingVisitor.Rec;
import io.infergate.testing.Patience;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bad input never throws, is reported with its line, and does not cost more than linear time. The time limits
 * only catch quadratic blow-ups (a 1 MiB line read quadratically takes hours) as a hang would be caught: they are
 * {@link Patience#EVENTUALLY}, far above the milliseconds a linear pass needs even on a machine at load 10, so they
 * never measure speed (that is the benchmarks' business).
 */
class PrometheusTextParserRobustnessTest {

    private static final long SEED = 0x5EED_3E7A1L;
    private static final int MIB = 1 << 20;

    private static final List<String> VLLM_FAMILIES = EngineMapping.vllm().families();

    @Test
    void randomBytesNeverThrowAndAreReported() {
        SplittableRandom random = new SplittableRandom(SEED);
        PrometheusTextParser parser = new PrometheusTextParser(VLLM_FAMILIES);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[random.nextInt(1, 16_384)];
            random.nextBytes(junk);
            ParseResult r = parser.parse(junk, new RecordingVisitor());
            assertThat(r.hasProblems()).as("case %d", i).isTrue();
            assertThat(r.lines()).isEqualTo(lines(junk));
            assertThat(r.problems()).hasSizeLessThanOrEqualTo(PrometheusTextParser.MAX_REPORTED_PROBLEMS);
            assertThat(r.problems()).allSatisfy(p -> assertThat(p.line()).isBetween(1, r.lines()));
        }
    }

    @Test
    void mutatedPagesNeverThrowAndKeepTheLinesTheyDoNotTouch() {
        byte[] page = MetricsResources.bytes(MetricsResources.SIM_VLLM);
        SplittableRandom random = new SplittableRandom(SEED + 1);
        PrometheusTextParser parser = new PrometheusTextParser(VLLM_FAMILIES);
        RecordingVisitor clean = new RecordingVisitor();
        parser.parse(page, clean);
        for (int i = 0; i < 300; i++) {
            byte[] mutated = page.clone();
            int at = random.nextInt(mutated.length);
            mutated[at] = (byte) random.nextInt(256);
            RecordingVisitor v = new RecordingVisitor();
            ParseResult r = parser.parse(mutated, v);
            // One byte changes at most one line (or joins two): every other wanted sample survives.
            assertThat(v.samples.size()).as("case %d", i).isBetween(clean.samples.size() - 2, clean.samples.size() + 1);
            assertThat(r.problemCount()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void everyTruncationOfAPageIsReadUpToTheCut() {
        byte[] page = MetricsResources.bytes(MetricsResources.VLLM_LORA_PR13303);
        PrometheusTextParser parser = new PrometheusTextParser(List.of("vllm:lora_requests_info"));
        for (int cut = 0; cut <= page.length; cut++) {
            RecordingVisitor v = new RecordingVisitor();
            ParseResult r = parser.parse(page, 0, cut, v);
            int complete = lines(Arrays.copyOf(page, cut)) - (cut > 0 && page[cut - 1] != '\n' ? 1 : 0);
            assertThat(v.samples.size() + r.problemCount()).as("cut at %d", cut).isBetween(complete, complete + 1);
        }
    }

    @Test
    void anUnterminatedQuoteSpoilsOnlyItsOwnLine() {
        String text = "m{a=\"abc 1\nm{a=\"ok\"} 2\nm{a=\"x\\\"} 3\nm{a=\"tail\\";

        RecordingVisitor v = new RecordingVisitor();
        ParseResult r = new PrometheusTextParser(List.of("m")).parse(text, v);

        assertThat(v.samples).extracting(Rec::labels, Rec::value).containsExactly(tuple(Map.of("a", "ok"), 2.0));
        assertThat(r.problems())
                .extracting(ParseProblem::line, ParseProblem::reason)
                .containsExactly(
                        tuple(1, "unterminated quoted value of label 'a'"),
                        tuple(3, "unterminated quoted value of label 'a'"),
                        tuple(4, "unterminated quoted value of label 'a'"));
    }

    @Test
    void reportsEachKindOfBadLineWithItsNumberAndKeepsTheRest() {
        String text = String.join(
                "\n",
                "m 1",
                "m",
                "m{a=\"1\"}",
                "m abc",
                "m 1 12x",
                "m 1 2 3",
                "m{a=\"1\" b=\"2\"} 1",
                "m{a=1} 1",
                "m{a\"1\"} 1",
                "m{1a=\"1\"} 1",
                "m{a=\"\\t\"} 1",
                "m{a=\"1\"",
                "m-x 1",
                "other 1 oops",
                "other",
                "\u0001binary",
                "m 0x10",
                "m 1.0d",
                "m 99999999999999999999 is not a timestamp",
                "# TYPE m histogrammy",
                "m_bucket 1",
                "m 2");

        RecordingVisitor v = new RecordingVisitor();
        ParseResult r = new PrometheusTextParser(List.of("m")).parse(text, v);

        assertThat(v.samples)
                .extracting(Rec::value, Rec::line, Rec::type)
                .containsExactly(tuple(1.0, 1, MetricType.UNTYPED), tuple(2.0, 22, MetricType.UNTYPED));
        assertThat(r.problemCount()).isEqualTo(18);
        assertThat(r.problems())
                .hasSize(PrometheusTextParser.MAX_REPORTED_PROBLEMS)
                .extracting(ParseProblem::toString)
                .containsExactly(
                        "line 2: missing value",
                        "line 3: missing value",
                        "line 4: invalid value 'abc' (expected: a float, +Inf, -Inf or NaN)",
                        "line 5: invalid timestamp '12x' (expected: integer milliseconds)",
                        "line 6: unexpected text after the timestamp: '3'",
                        "line 7: expected ',' or '}' after the value of label 'a', found 'b'",
                        "line 8: expected '\"' to open the value of label 'a'",
                        "line 9: expected '=' after label name 'a'",
                        "line 10: expected a label name, found '1'",
                        "line 11: invalid escape sequence '\\' 't' in the value of label 'a' (expected: \\\\, \\\" or \\n)",
                        "line 12: unterminated label set (missing '}')",
                        "line 13: invalid character '-' in metric name",
                        "line 15: metric name without a value",
                        "line 16: expected a metric name or '#' at the start of the line, found byte 0x01",
                        "line 17: invalid value '0x10' (expected: a float, +Inf, -Inf or NaN)",
                        "line 18: invalid value '1.0d' (expected: a float, +Inf, -Inf or NaN)");
        // Line 14 ("other 1 oops") is unwanted, so only its name is checked. Lines 19 and 20 are counted only.
    }

    @Test
    void reportsTheOverflowingTimestampAndTheUnknownType() {
        String text = "m 1 99999999999999999999\n# TYPE m histogrammy\nm 2\n";

        ParseResult r = new PrometheusTextParser(List.of("m")).parse(text, new RecordingVisitor());

        assertThat(r.problems())
                .extracting(ParseProblem::toString)
                .containsExactly(
                        "line 1: invalid timestamp '99999999999999999999' (expected: integer milliseconds)",
                        "line 2: unknown metric type 'histogrammy' (expected: counter, gauge, histogram, summary or untyped);"
                                + " read as untyped");
    }

    @Test
    void aSampleWithTooManyLabelsIsRejected() {
        StringBuilder many = new StringBuilder("m{");
        for (int i = 0; i <= PrometheusTextParser.MAX_LABELS; i++) {
            many.append("l").append(i).append("=\"v\",");
        }
        many.append("} 1\nm{l=\"v\"} 2\n");

        RecordingVisitor v = new RecordingVisitor();
        ParseResult r = new PrometheusTextParser(List.of("m")).parse(many.toString(), v);

        assertThat(v.samples).extracting(Rec::value).containsExactly(2.0);
        assertThat(r.problems()).extracting(ParseProblem::reason).containsExactly("more than 128 labels");
    }

    @Test
    void aOneMebibyteLabelValueIsReadInFull() {
        byte[] value = new byte[MIB];
        Arrays.fill(value, (byte) 'x');
        byte[] text = concat("# TYPE m gauge\nm{big=\"", new String(value, StandardCharsets.US_ASCII), "\"} 3\nm 4");

        RecordingVisitor v = new RecordingVisitor();
        ParseResult r = assertTimeout(Patience.EVENTUALLY, () -> new PrometheusTextParser(List.of("m")).parse(text, v));

        assertThat(r.hasProblems()).isFalse();
        assertThat(v.samples).extracting(Rec::value).containsExactly(3.0, 4.0);
        assertThat(v.samples.get(0).labels().get("big")).isEqualTo("x".repeat(MIB));
    }

    @Test
    void oneMebibyteLinesOfGarbageAreSkippedInLinearTime() {
        byte[] name = new byte[MIB];
        Arrays.fill(name, (byte) 'x');
        byte[] openQuote = concat("m{a=\"", "y".repeat(MIB));
        byte[] braces = concat("m", "{".repeat(MIB));
        byte[] escapes = concat("m{a=\"", "\\\"".repeat(MIB / 2));
        byte[] blanks = concat("m", " ".repeat(MIB), "1");
        PrometheusTextParser parser = new PrometheusTextParser(List.of("m", "xxxx"));

        for (byte[] line : List.of(name, openQuote, braces, escapes, blanks)) {
            byte[] text = concat(new String(line, StandardCharsets.ISO_8859_1), "\nm 7\n");
            RecordingVisitor v = new RecordingVisitor();
            ParseResult r = assertTimeout(Patience.EVENTUALLY, () -> parser.parse(text, v));
            assertThat(v.samples).extracting(Rec::value, Rec::line).endsWith(tuple(7.0, 2));
            assertThat(r.lines()).isEqualTo(2);
        }
    }

    @Test
    void manyBadLinesAreCountedButOnlyTheFirstListed() {
        String text = "?\n".repeat(10_000) + "m 1\n";

        RecordingVisitor v = new RecordingVisitor();
        ParseResult r = new PrometheusTextParser(List.of("m")).parse(text, v);

        assertThat(r.problemCount()).isEqualTo(10_000);
        assertThat(r.problems()).hasSize(PrometheusTextParser.MAX_REPORTED_PROBLEMS);
        assertThat(r.problems().get(15).line()).isEqualTo(16);
        assertThat(v.samples).extracting(Rec::line).containsExactly(10_001);
    }

    private static int lines(byte[] text) {
        int n = 0;
        for (byte c : text) {
            if (c == '\n') {
                n++;
            }
        }
        return text.length > 0 && text[text.length - 1] != '\n' ? n + 1 : n;
    }

    private static byte[] concat(String... parts) {
        return String.join("", parts).getBytes(StandardCharsets.ISO_8859_1);
    }
}
