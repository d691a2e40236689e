package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.metrics.RecordingVisitor.Rec;
import io.infergate.testing.Trials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of the Prometheus text parser over generated pages (seeded trials, {@link Trials}): a page rendered
 * from samples parses back to exactly those samples (names, labels with every escape, values including NaN and
 * infinities, timestamps), whatever the line ends and blanks; and any mutation of such a page parses without an
 * exception, with its problems counted and at most {@link PrometheusTextParser#MAX_REPORTED_PROBLEMS} listed. Each
 * trial is bounded, so a loop fails the test instead of hanging it.
 */
class PrometheusTextParserProperties {

    private static final String[] FAMILIES = {"vllm:num_requests_waiting", "gpu_cache_usage", "queue", "tgi_x"};
    private static final double[] SPECIAL = {
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE
    };

    private final PrometheusTextParser parser = new PrometheusTextParser(List.of(FAMILIES));

    private record Expected(String name, Map<String, String> labels, double value, Long timestamp) {}

    private record Page(byte[] bytes, List<Expected> samples) {}

    @Test
    void renderedSamplesParseBackExactly() {
        Trials.run(16_101, 2_000, (random, i) -> {
            Page page = page(random);
            RecordingVisitor visitor = new RecordingVisitor();
            ParseResult result = parser.parse(page.bytes(), visitor);
            String text = new String(page.bytes(), StandardCharsets.UTF_8);
            assertThat(result.problems()).as(text).isEmpty();
            assertThat(visitor.samples).as(text).hasSameSizeAs(page.samples());
            for (int s = 0; s < page.samples().size(); s++) {
                Expected want = page.samples().get(s);
                Rec got = visitor.samples.get(s);
                assertThat(got.name()).as(text).isEqualTo(want.name());
                assertThat(got.labels()).as(text).isEqualTo(want.labels());
                assertThat(Double.compare(got.value(), want.value()) == 0
                                || (got.value() == 0.0 && want.value() == 0.0))
                        .as("%s: %s vs %s", text, got.value(), want.value())
                        .isTrue();
                assertThat(got.hasTimestamp()).as(text).isEqualTo(want.timestamp() != null);
                if (want.timestamp() != null) {
                    assertThat(got.timestampMs()).as(text).isEqualTo(want.timestamp());
                }
            }
        });
    }

    @Test
    void mutatedPagesNeverThrowAndAreCounted() {
        Trials.run(16_102, 3_000, (random, i) -> {
            byte[] bytes = page(random).bytes();
            for (int e = 1 + random.nextInt(4); e > 0; e--) {
                bytes = mutate(bytes, random);
            }
            RecordingVisitor visitor = new RecordingVisitor();
            ParseResult result = parser.parse(bytes, visitor);
            assertThat(result.problems()).hasSizeLessThanOrEqualTo(PrometheusTextParser.MAX_REPORTED_PROBLEMS);
            assertThat(result.problemCount())
                    .isGreaterThanOrEqualTo(result.problems().size());
            assertThat(result.samples()).isEqualTo(visitor.samples.size());
            assertThat(result.problems()).allSatisfy(p -> assertThat(p.line()).isBetween(1, result.lines()));
        });
    }

    private static Page page(SplittableRandom r) {
        StringBuilder text = new StringBuilder();
        List<Expected> samples = new ArrayList<>();
        String eol = r.nextBoolean() ? "\n" : "\r\n";
        for (String family : FAMILIES) {
            if (r.nextInt(3) == 0) {
                continue; // each family at most once: a second TYPE line is itself a problem
            }
            boolean counter = r.nextInt(3) == 0;
            if (r.nextBoolean()) {
                text.append("# HELP ")
                        .append(family)
                        .append(" help \\\\ text \\n")
                        .append(eol);
            }
            text.append("# TYPE ")
                    .append(family)
                    .append(counter ? " counter" : " gauge")
                    .append(eol);
            for (int s = r.nextInt(4); s > 0; s--) {
                String name = counter ? family + "_total" : family;
                Map<String, String> labels = new LinkedHashMap<>();
                StringBuilder line = new StringBuilder(name);
                int n = r.nextInt(4);
                if (n > 0 || r.nextBoolean()) {
                    line.append('{');
                    for (int l = 0; l < n; l++) {
                        String label = "l" + l + (r.nextBoolean() ? "_x" : "");
                        String value = labelValue(r);
                        labels.put(label, value);
                        line.append(l > 0 ? "," : "")
                                .append(label)
                                .append(r.nextBoolean() ? "=" : " = ")
                                .append('"')
                                .append(escape(value))
                                .append('"');
                    }
                    line.append(n > 0 && r.nextInt(4) == 0 ? ",}" : "}");
                }
                double value = r.nextInt(4) == 0
                        ? SPECIAL[r.nextInt(SPECIAL.length)]
                        : r.nextBoolean()
                                ? r.nextInt(-1000, 1_000_000)
                                : r.nextDouble() * Math.pow(10, r.nextInt(-20, 20));
                line.append(r.nextBoolean() ? " " : "  ").append(render(value));
                Long timestamp = r.nextInt(3) == 0 ? r.nextLong(-1_000_000_000_000L, 4_000_000_000_000L) : null;
                if (timestamp != null) {
                    line.append(' ').append(timestamp);
                }
                text.append(line).append(eol);
                samples.add(new Expected(name, labels, value, timestamp));
            }
            if (r.nextInt(4) == 0) {
                text.append(eol);
            }
        }
        return new Page(text.toString().getBytes(StandardCharsets.UTF_8), samples);
    }

    private static String render(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Any text a label value can hold: the three escapes, UTF-8 of every length, but no raw CR or LF. */
    private static String labelValue(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        for (int n = r.nextInt(10); n > 0; n--) {
            switch (r.nextInt(8)) {
                case 0 -> b.append("\\\"\n".charAt(r.nextInt(3)));
                case 1 -> b.appendCodePoint(r.nextInt(0x80, 0xD800));
                case 2 -> b.appendCodePoint(r.nextInt(0x10000, 0x110000));
                case 3 -> b.append(',').append('}').append('=');
                default -> b.append((char) r.nextInt(0x20, 0x7F));
            }
        }
        return b.toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static final byte[][] TOKENS = {
        {'{'},
        {'}'},
        {'"'},
        {'\\'},
        {','},
        {'='},
        {'\n'},
        {'\r'},
        {'#'},
        {' '},
        {0},
        {(byte) 0xFF},
        "# TYPE queue histogram\n".getBytes(StandardCharsets.US_ASCII),
        "1e99999".getBytes(StandardCharsets.US_ASCII),
        "99999999999999999999999".getBytes(StandardCharsets.US_ASCII),
        "{a=\"".repeat(200).getBytes(StandardCharsets.US_ASCII)
    };

    private static byte[] mutate(byte[] page, SplittableRandom r) {
        int at = r.nextInt(page.length + 1);
        int len = r.nextInt(page.length - at + 1);
        byte[] insert = switch (r.nextInt(5)) {
            case 0 -> new byte[] {(byte) r.nextInt(256)};
            case 1 -> TOKENS[r.nextInt(TOKENS.length)];
            default -> new byte[0];
        };
        int remove = insert.length == 0 ? len : r.nextInt(2);
        remove = Math.min(remove, page.length - at);
        byte[] out = new byte[page.length - remove + insert.length];
        System.arraycopy(page, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(page, at + remove, out, at + insert.length, page.length - at - remove);
        return out;
    }
}
