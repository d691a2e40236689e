package io.infergate.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    @Test
    void titleSettingsAndOneTablePerRateSortedByTtftP90() {
        String md = MarkdownReport.render(Fixtures.sweep());

        assertThat(md)
                .startsWith(
                        "# shared-prefix — 8 system prompts x 64 users, 4 simulated H100s\n\n"
                                + "| Setting | Value |\n|:---|:---|\n| fleet | 4 x sim-H100 |\n| duration | 60 s |\n| seeds | 1,2 |\n");
        assertThat(md).contains("TTFT ≤ 2,000 ms and TPOT ≤ 100 ms").contains("mean over seeds 1, 2");
        assertThat(md)
                .containsSubsequence(
                        "## 2 req/s",
                        "| prefix-aware |",
                        "| round-robin |",
                        "| random |",
                        "## 8 req/s",
                        "| prefix-aware |",
                        "| round-robin |",
                        "| random |");
        assertThat(md)
                .contains("**Best policy per rate** (lowest TTFT p90): 2 req/s **prefix-aware** (80.0 ms)"
                        + " · 8 req/s **prefix-aware** (400 ms)");
        assertThat(md)
                .contains("| Policy | TTFT p50 | TTFT p90 | TTFT p90 seeds | TTFT p99 | TPOT p50 | TPOT p90 "
                        + "| NTPOT p50 | E2E p90 | Output tok/s | Req/s | Goodput req/s | Goodput % | Prefix hit % | Shed "
                        + "| Failed |");
        // round-robin at 8 req/s: seeds 1,350 and 1,650 ms; everything else derived from the mean 1,500
        assertThat(md)
                .contains("| round-robin | 750 ms | 1,500 ms | 1,350–1,650 ms | 3,000 ms | 10.0 ms | 20.0 ms "
                        + "| 12.0 ms | 12,000 ms | 3,000 | 1.67 | 0.83 | 50.0% | 50.0% | 0 | 0 |");
        assertThat(md).doesNotContain("\r").endsWith("|\n").doesNotEndWith("\n\n");
    }

    @Test
    void nothingCompletedSortsLastAndPrintsDashes() {
        List<SweepReport.Point> ps = new ArrayList<>(Fixtures.sweep().points());
        RunSummary nothing = RunSummary.of(List.of(), Slo.INTERACTIVE);
        ps.add(new SweepReport.Point(
                "a|shed-all",
                8,
                1,
                new RunSummary(
                        100,
                        0,
                        100,
                        0,
                        0,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        0,
                        0,
                        0,
                        0,
                        0,
                        Double.NaN,
                        nothing.slo())));
        ps.add(new SweepReport.Point("a|shed-all", 8, 2, nothing));
        String md = MarkdownReport.render(new SweepReport("w", "", Map.of(), ps));

        assertThat(md).startsWith("# w\n\n");
        String rate8 = md.substring(md.indexOf("## 8 req/s"));
        assertThat(rate8)
                .containsSubsequence(
                        "| prefix-aware |",
                        "| round-robin |",
                        "| random |",
                        "| a\\|shed-all | – | – | – | – | – | – | – | – | 0 | 0 | 0 | 0.0% | – | 100 | 0 |");
        assertThat(md).contains("| random | 20,000 ms | 40,000 ms | 36,000–44,000 ms |");
    }

    @Test
    void bestPerRateIsADashWhenNoPolicyCompleted() {
        SweepReport r = new SweepReport(
                "w",
                "d",
                Map.of(),
                List.of(new SweepReport.Point("x", 1, 7, RunSummary.of(List.of(), Slo.INTERACTIVE))));
        String md = MarkdownReport.render(r, List.of(new MarkdownReport.Link("TTFT", "w-ttft.svg")));
        assertThat(md)
                .contains("**Best policy per rate** (lowest TTFT p90): 1 req/s –")
                .contains("Seed 7.")
                .contains("![TTFT](w-ttft.svg)")
                .doesNotContain("TTFT p90 seeds");
    }

    @Test
    void formatsNumbersCompactlyInEveryLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(Numbers.compact(1234.4)).isEqualTo("1,234");
            assertThat(Numbers.compact(1_234_567)).isEqualTo("1,234,567");
            assertThat(Numbers.compact(123.4)).isEqualTo("123");
            assertThat(Numbers.compact(99.96)).isEqualTo("100");
            assertThat(Numbers.compact(12.34)).isEqualTo("12.3");
            assertThat(Numbers.compact(1.234)).isEqualTo("1.23");
            assertThat(Numbers.compact(0.4249)).isEqualTo("0.42");
            assertThat(Numbers.compact(0.004249)).isEqualTo("0.0042");
            assertThat(Numbers.compact(-12.34)).isEqualTo("-12.3");
            assertThat(Numbers.compact(0)).isEqualTo("0");
            assertThat(Numbers.compact(Double.NaN)).isEqualTo("–");
            assertThat(Numbers.percent(0.9734)).isEqualTo("97.3");
            assertThat(Numbers.plain(2.0)).isEqualTo("2");
            assertThat(Numbers.plain(0.25)).isEqualTo("0.25");
            assertThat(Numbers.plain(100)).isEqualTo("100");
            assertThat(MarkdownReport.render(Fixtures.sweep())).contains("| 1,500 ms |");
        } finally {
            Locale.setDefault(before);
        }
    }
}
