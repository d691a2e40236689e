package io.infergate.bench.realtime;

import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.SweepReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the result of one real-time load run: a {@link SweepReport} as JSON (with one extra top-level field,
 * {@code itlMillis}: the client's inter-token percentiles, which {@link RunSummary} does not carry; readers that
 * ignore unknown fields read the rest as a plain {@code SweepReport}), and the same as text for a terminal, ending in
 * a one-row Markdown table that scripts collect into a comparison.
 *
 * <p>NaN metrics (nothing completed, no cache information) are written as the JSON string {@code "NaN"} and as
 * {@code -} in text. Stateless and thread-safe.
 */
public final class LoadReportJson {

    /** The header of {@link #markdownRow}'s table. */
    public static final String MARKDOWN_HEADER = "| target | sent | TTFT p50 ms | TTFT p90 ms | TTFT p99 ms"
            + " | TPOT p50 ms | ITL p50 ms | ITL p99 ms | E2E p90 ms | output tok/s | req/s | goodput req/s"
            + " | goodput % | prefix hit % | shed | failed |\n"
            + "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build(); // NaN is written "NaN" (Jackson's default)

    private LoadReportJson() {}

    /**
     * Writes {@code report} and the inter-token histogram to {@code file} (parent directories are created).
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(Path file, SweepReport report, Histogram itlMicros) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write(toJson(report, itlMicros));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    /** The JSON text {@link #write} writes. */
    public static String toJson(SweepReport report, Histogram itlMicros) {
        ObjectNode root = MAPPER.valueToTree(report);
        ObjectNode itl = root.putObject("itlMillis");
        itl.put("count", itlMicros.getTotalCount());
        itl.put("mean", itlMicros.getTotalCount() == 0 ? Double.NaN : itlMicros.getMean() / 1000);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            itl.put("p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)), itlMs(itlMicros, p));
        }
        return MAPPER.writeValueAsString(root);
    }

    /** Human-readable: every {@link RunSummary} metric and the ITL percentiles, then the Markdown row. */
    public static void printText(PrintWriter out, String label, RunSummary s, Histogram itlMicros) {
        out.printf(
                Locale.ROOT,
                "target=%s sent=%d completed=%d shed=%d failed=%d window=%.1f s%n",
                label,
                s.sent(),
                s.completed(),
                s.shed(),
                s.failed(),
                s.windowSeconds());
        out.printf(
                Locale.ROOT,
                "TTFT ms:  mean %s p50 %s p90 %s p99 %s%n",
                f(s.ttftMean()),
                f(s.ttftP50()),
                f(s.ttftP90()),
                f(s.ttftP99()));
        out.printf(Locale.ROOT, "TPOT ms:  p50 %s p90 %s p99 %s%n", f(s.tpotP50()), f(s.tpotP90()), f(s.tpotP99()));
        out.printf(Locale.ROOT, "NTPOT ms: p50 %s p90 %s%n", f(s.ntpotP50()), f(s.ntpotP90()));
        out.printf(
                Locale.ROOT,
                "ITL ms:   p50 %s p90 %s p99 %s (%d gaps)%n",
                f(itlMs(itlMicros, 50)),
                f(itlMs(itlMicros, 90)),
                f(itlMs(itlMicros, 99)),
                itlMicros.getTotalCount());
        out.printf(Locale.ROOT, "E2E ms:   p50 %s p90 %s p99 %s%n", f(s.e2eP50()), f(s.e2eP90()), f(s.e2eP99()));
        out.printf(
                Locale.ROOT,
                "throughput: %.1f output tok/s, %.1f input tok/s, %.2f req/s%n",
                s.outputTokensPerSec(),
                s.inputTokensPerSec(),
                s.requestsPerSec());
        out.printf(
                Locale.ROOT,
                "goodput (TTFT <= %s ms, TPOT <= %s ms): %.2f req/s, %.1f %% of sent%n",
                f(s.slo().ttftMillis()),
                f(s.slo().tpotMillis()),
                s.goodputPerSec(),
                s.goodputFraction() * 100);
        out.printf(
                Locale.ROOT,
                "prefix cache hit rate: %s%n",
                Double.isNaN(s.prefixHitRate()) ? "-" : f(s.prefixHitRate() * 100) + " %");
        out.println();
        out.println(MARKDOWN_HEADER);
        out.println(markdownRow(label, s, itlMicros));
    }

    /** One row under {@link #MARKDOWN_HEADER}. */
    public static String markdownRow(String label, RunSummary s, Histogram itlMicros) {
        return String.join(
                " | ",
                "| " + label,
                String.valueOf(s.sent()),
                f(s.ttftP50()),
                f(s.ttftP90()),
                f(s.ttftP99()),
                f(s.tpotP50()),
                f(itlMs(itlMicros, 50)),
                f(itlMs(itlMicros, 99)),
                f(s.e2eP90()),
                f(s.outputTokensPerSec()),
                f(s.requestsPerSec()),
                f(s.goodputPerSec()),
                f(s.goodputFraction() * 100),
                Double.isNaN(s.prefixHitRate()) ? "-" : f(s.prefixHitRate() * 100),
                String.valueOf(s.shed()),
                s.failed() + " |");
    }

    private static double itlMs(Histogram h, double p) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
    }

    /** Three significant figures or so: 1234, 123, 12.3, 1.23, 0.123. */
    static String f(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }
}
