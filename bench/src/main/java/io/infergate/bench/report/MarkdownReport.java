package io.infergate.bench.report;

import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link SweepReport} as a Markdown page for a pull request or a results directory: a title with the workload
 * and its description, the settings as a table, the SLO and a "best policy per rate" line, the charts (when
 * given), then one table per rate with one row per policy, sorted by TTFT p90 ascending (ties by name; a policy
 * that completed nothing, with no TTFT, last). Each row is the {@link SeedMeans} of that policy and rate: means
 * over the seeds, shed and failed summed. When some row has several seeds, a column shows the seeds' TTFT p90
 * range.
 *
 * <p>Numbers are compact and locale-independent ({@code 1,234 ms}, {@code 12.3 ms}, {@code 0.42 ms}); a missing
 * value (NaN) prints as {@code –}. Text from the report (names, settings) has {@code |} escaped and line breaks
 * flattened, so it cannot break a table. Output is deterministic and uses {@code \n} line ends.
 *
 * <p>Stateless; thread-safe.
 */
public final class MarkdownReport {

    /**
     * A chart to show under the summary.
     *
     * @param title the image's alt text
     * @param href  its address relative to the Markdown file, e.g. {@code shared-prefix-ttft-p90.svg}
     */
    public record Link(String title, String href) {
        public Link {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(href, "href");
        }
    }

    private MarkdownReport() {}

    /** The page without charts. */
    public static String render(SweepReport report) {
        return render(report, List.of());
    }

    /**
     * The page, with {@code charts} as images after the summary.
     *
     * @throws IllegalArgumentException as {@link SeedMeans#of(SweepReport)} does
     */
    public static String render(SweepReport report, List<Link> charts) {
        List<SeedMeans> means = SeedMeans.of(report);
        StringBuilder md = new StringBuilder();
        md.append("# ").append(inline(report.workload()));
        if (!report.description().isBlank()) {
            md.append(" — ").append(inline(report.description()));
        }
        md.append("\n\n");

        if (!report.settings().isEmpty()) {
            md.append("| Setting | Value |\n|:---|:---|\n");
            report.settings()
                    .forEach((k, v) -> md.append("| ")
                            .append(cell(k))
                            .append(" | ")
                            .append(cell(v))
                            .append(" |\n"));
            md.append('\n');
        }

        md.append(notes(report, means)).append("\n\n");
        md.append(best(means)).append("\n\n");
        for (Link c : charts) {
            md.append("![")
                    .append(inline(c.title()).replace("]", "\\]"))
                    .append("](")
                    .append(c.href().replace(" ", "%20").replace(")", "%29"))
                    .append(")\n\n");
        }

        boolean ranges = means.stream().anyMatch(m -> m.seeds().size() > 1);
        for (List<SeedMeans> atRate : byRate(means)) {
            md.append("## ").append(Numbers.plain(atRate.getFirst().rate())).append(" req/s\n\n");
            table(md, sorted(atRate), ranges);
            md.append('\n');
        }
        if (means.isEmpty()) {
            md.append("No runs.\n");
        }
        // one trailing newline, not two
        md.setLength(md.length() - 1);
        return md.toString();
    }

    private static String notes(SweepReport report, List<SeedMeans> means) {
        Set<Slo> slos = new LinkedHashSet<>();
        Set<List<Long>> seedSets = new LinkedHashSet<>();
        for (SeedMeans m : means) {
            slos.add(m.mean().slo());
            seedSets.add(m.seeds());
        }
        StringBuilder s = new StringBuilder();
        s.append("Goodput counts a completed request within the SLO (");
        List<String> sloText = new ArrayList<>();
        for (Slo slo : slos) {
            sloText.add("TTFT ≤ " + Numbers.compact(slo.ttftMillis()) + " ms and TPOT ≤ "
                    + Numbers.compact(slo.tpotMillis()) + " ms");
        }
        s.append(sloText.isEmpty() ? "none" : String.join("; ", sloText));
        s.append("); shed and failed requests count as not good. Latencies are over completed requests.");
        if (seedSets.size() == 1) {
            List<Long> seeds = seedSets.iterator().next();
            if (seeds.size() > 1) {
                s.append(" Each row is the mean over seeds ")
                        .append(join(seeds))
                        .append("; shed and failed are totals.");
            } else {
                s.append(" Seed ").append(seeds.getFirst()).append('.');
            }
        } else if (!seedSets.isEmpty()) {
            s.append(" Each row is the mean over its seeds; shed and failed are totals.");
        }
        return s.toString();
    }

    private static String best(List<SeedMeans> means) {
        List<String> parts = new ArrayList<>();
        for (List<SeedMeans> atRate : byRate(means)) {
            SeedMeans top = sorted(atRate).getFirst();
            String rate = Numbers.plain(top.rate()) + " req/s ";
            parts.add(
                    Double.isNaN(top.mean().ttftP90())
                            ? rate + Numbers.MISSING
                            : rate + "**" + cell(top.policy()) + "** ("
                                    + ms(top.mean().ttftP90()) + ")");
        }
        return "**Best policy per rate** (lowest TTFT p90): "
                + (parts.isEmpty() ? Numbers.MISSING : String.join(" · ", parts));
    }

    private static void table(StringBuilder md, List<SeedMeans> rows, boolean ranges) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("TTFT p50", m -> ms(m.mean().ttftP50())));
        cols.add(new Column("TTFT p90", m -> ms(m.mean().ttftP90())));
        if (ranges) {
            cols.add(new Column("TTFT p90 seeds", MarkdownReport::range));
        }
        cols.add(new Column("TTFT p99", m -> ms(m.mean().ttftP99())));
        cols.add(new Column("TPOT p50", m -> ms(m.mean().tpotP50())));
        cols.add(new Column("TPOT p90", m -> ms(m.mean().tpotP90())));
        cols.add(new Column("NTPOT p50", m -> ms(m.mean().ntpotP50())));
        cols.add(new Column("E2E p90", m -> ms(m.mean().e2eP90())));
        cols.add(new Column("Output tok/s", m -> Numbers.compact(m.mean().outputTokensPerSec())));
        cols.add(new Column("Req/s", m -> Numbers.compact(m.mean().requestsPerSec())));
        cols.add(new Column("Goodput req/s", m -> Numbers.compact(m.mean().goodputPerSec())));
        cols.add(new Column("Goodput %", m -> pct(m.mean().goodputFraction())));
        cols.add(new Column("Prefix hit %", m -> pct(m.mean().prefixHitRate())));
        cols.add(new Column("Shed", m -> Numbers.count(m.mean().shed())));
        cols.add(new Column("Failed", m -> Numbers.count(m.mean().failed())));

        md.append("| Policy |");
        cols.forEach(c -> md.append(' ').append(c.name).append(" |"));
        md.append("\n|:---|");
        cols.forEach(c -> md.append("---:|"));
        md.append('\n');
        for (SeedMeans m : rows) {
            md.append("| ").append(cell(m.policy())).append(" |");
            cols.forEach(c -> md.append(' ').append(c.value.apply(m)).append(" |"));
            md.append('\n');
        }
    }

    private record Column(String name, Function<SeedMeans, String> value) {}

    /** Rows of one rate, best first: TTFT p90 ascending, NaN last, ties by policy name. */
    static List<SeedMeans> sorted(List<SeedMeans> atRate) {
        List<SeedMeans> rows = new ArrayList<>(atRate);
        // Double.compare orders NaN above every number, so a policy that completed nothing sorts last
        rows.sort(Comparator.<SeedMeans>comparingDouble(m -> m.mean().ttftP90()).thenComparing(SeedMeans::policy));
        return rows;
    }

    /** Splits means (ordered by rate) into runs of equal rate. */
    static List<List<SeedMeans>> byRate(List<SeedMeans> means) {
        List<List<SeedMeans>> out = new ArrayList<>();
        for (SeedMeans m : means) {
            if (out.isEmpty() || Double.compare(out.getLast().getFirst().rate(), m.rate()) != 0) {
                out.add(new ArrayList<>());
            }
            out.getLast().add(m);
        }
        return out;
    }

    private static String range(SeedMeans m) {
        if (Double.isNaN(m.ttftP90Min())) {
            return Numbers.MISSING;
        }
        return Numbers.compact(m.ttftP90Min()) + "–" + Numbers.compact(m.ttftP90Max()) + " ms";
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? Numbers.MISSING : Numbers.compact(v) + " ms";
    }

    private static String pct(double fraction) {
        return Double.isNaN(fraction) ? Numbers.MISSING : Numbers.percent(fraction) + "%";
    }

    private static String join(List<Long> seeds) {
        StringBuilder s = new StringBuilder();
        for (Long seed : seeds) {
            s.append(s.isEmpty() ? "" : ", ").append(seed);
        }
        return s.toString();
    }

    /** Text on one line. */
    private static String inline(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** Text in a table cell: one line, pipes escaped. */
    private static String cell(String s) {
        return inline(s).replace("\\", "\\\\").replace("|", "\\|");
    }
}
