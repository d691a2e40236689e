package io.infergate.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportTest {

    @Test
    void roundTripsExactlyIncludingNaNAndInfinity() {
        RunSummary empty = RunSummary.of(List.of(), new Slo(1500, 80)); // NaN latencies, 0 rates
        RunSummary odd = new RunSummary(
                3,
                1,
                1,
                1,
                0.1 + 0.2,
                Double.POSITIVE_INFINITY,
                Double.MIN_VALUE,
                Double.MAX_VALUE,
                -0.0,
                1e-300,
                123456.789,
                Double.NEGATIVE_INFINITY,
                Double.NaN,
                7,
                8,
                9,
                10,
                11,
                12,
                13,
                14,
                1 / 3.0,
                Double.NaN,
                Slo.INTERACTIVE);
        SweepReport r = new SweepReport(
                "w \"q\"",
                "tab\t, newline\n, é ✓ 🚀",
                Map.of("only", "one"),
                List.of(
                        new SweepReport.Point("a", 0.5, Long.MIN_VALUE, empty),
                        new SweepReport.Point("b", 1 / 3.0, Long.MAX_VALUE, odd),
                        Fixtures.point("c", 1e9, 0, 123.4, 5678.9)));

        String json = JsonReport.toJson(r);
        SweepReport back = JsonReport.fromJson(json);

        assertThat(back).isEqualTo(r);
        assertThat(back.points().get(0).summary().ttftP90()).isNaN();
        assertThat(Double.doubleToRawLongBits(back.points().get(1).summary().ttftP99()))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(json)
                .contains("\"ttftP90\": null")
                .contains("\"ttftMean\": \"Infinity\"")
                .doesNotContain("NaN")
                .doesNotContain("\r")
                .endsWith("}\n");
    }

    @Test
    void writesFieldsInAStableOrderWithSummaryComponentNames() {
        String json = JsonReport.toJson(Fixtures.sweep());
        assertThat(json)
                .startsWith("{\n  \"format\": \"" + JsonReport.FORMAT + "\",\n  \"workload\": \"shared-prefix\",\n");
        assertThat(json)
                .containsSubsequence(
                        "\"format\"",
                        "\"workload\"",
                        "\"description\"",
                        "\"settings\"",
                        "\"fleet\"",
                        "\"duration\"",
                        "\"seeds\"",
                        "\"points\"",
                        "\"policy\"",
                        "\"rate\"",
                        "\"seed\"",
                        "\"summary\"");
        String firstSummary = json.substring(json.indexOf("\"summary\""));
        String[] names = Arrays.stream(RunSummary.class.getRecordComponents())
                .map(RecordComponent::getName)
                .map(n -> "\"" + n + "\":")
                .toArray(String[]::new);
        assertThat(firstSummary).containsSubsequence(names).contains("\"slo\": {", "\"ttftMillis\": 2000.0");
        assertThat(JsonReport.toJson(Fixtures.sweep())).isEqualTo(json);
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) {
        Path f = dir.resolve("r.json");
        JsonReport.write(f, Fixtures.sweep());
        assertThat(JsonReport.read(f)).isEqualTo(Fixtures.sweep());
        assertThat(JsonReport.read(f).settings().keySet()).containsExactly("fleet", "duration", "seeds");
    }

    @Test
    void readingNamesTheSourceAndTheField() {
        String good = JsonReport.toJson(Fixtures.sweep());
        assertThatThrownBy(() -> JsonReport.read(new StringReader("{nope"), "r.json"))
                .isInstanceOf(ReportFormatException.class)
                .hasMessageStartingWith("r.json: not JSON");
        assertThatThrownBy(() -> JsonReport.read(
                        new StringReader(good.replaceFirst("\"ttftP90\": [0-9.]+", "\"ttftP90\": \"fast\"")), "r.json"))
                .isInstanceOf(ReportFormatException.class)
                .hasMessage("r.json: points[0].summary.ttftP90: \"fast\" (expected: a number or null)");
        assertThatThrownBy(() -> JsonReport.fromJson(good.replaceFirst("\"sent\": 100,", "")))
                .hasMessage("json: points[0].summary.sent: missing");
        assertThatThrownBy(() -> JsonReport.fromJson(good.replaceFirst("\"seed\": 1", "\"seed\": 1.5")))
                .hasMessageStartingWith("json: points[0].seed: 1.5 (expected: an integer");
        assertThatThrownBy(() -> JsonReport.fromJson(good.replaceFirst("\"tpotMillis\": 100.0", "\"tpotMillis\": 0")))
                .hasMessageStartingWith("json: points[0].summary.slo: SLO ttft 2000.0 ms, tpot 0.0 ms");
        assertThatThrownBy(() -> JsonReport.fromJson(good.replace(JsonReport.FORMAT, "other/9")))
                .hasMessageStartingWith("json: format: \"other/9\"");
    }

    @Test
    void ignoresUnknownFields() {
        String json = JsonReport.toJson(Fixtures.sweep()).replaceFirst("\"seed\": 1,", "\"seed\": 1, \"extra\": [1],");
        assertThat(JsonReport.fromJson(json)).isEqualTo(Fixtures.sweep());
    }
}
