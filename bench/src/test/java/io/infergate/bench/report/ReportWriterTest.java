package io.infergate.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.bench.results.SweepReport;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @Test
    void writesJsonMarkdownAndTwoChartsIntoANewDirectory(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("results/sweep-1");
        SweepReport r = Fixtures.sweep();

        List<Path> written = ReportWriter.write(dir, r);

        assertThat(written)
                .containsExactly(
                        dir.resolve("shared-prefix.json"),
                        dir.resolve("shared-prefix.md"),
                        dir.resolve("shared-prefix-ttft-p90.svg"),
                        dir.resolve("shared-prefix-throughput.svg"));
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(4);
        }
        assertThat(JsonReport.read(written.get(0))).isEqualTo(r);
        String md = Files.readString(written.get(1));
        assertThat(md)
                .contains("](shared-prefix-ttft-p90.svg)", "](shared-prefix-throughput.svg)")
                .isEqualTo(MarkdownReport.render(
                        r,
                        List.of(
                                new MarkdownReport.Link("TTFT p90 vs offered load", "shared-prefix-ttft-p90.svg"),
                                new MarkdownReport.Link(
                                        "Output tokens/s vs offered load", "shared-prefix-throughput.svg"))));
        assertThat(SvgChartTest.parse(Files.readString(written.get(2)))
                        .getDocumentElement()
                        .getLocalName())
                .isEqualTo("svg");
        assertThat(Files.readString(written.get(3)))
                .isEqualTo(SvgChart.throughput("shared-prefix", SeedMeans.of(r)).render());

        // a second run replaces the files with the same bytes
        byte[] before = Files.readAllBytes(written.get(2));
        ReportWriter.write(dir, r);
        assertThat(Files.readAllBytes(written.get(2))).isEqualTo(before);
    }

    @Test
    void makesAnyWorkloadNameASafeFileName() {
        assertThat(ReportWriter.fileName("shared-prefix_v2.1")).isEqualTo("shared-prefix_v2.1");
        assertThat(ReportWriter.fileName("a/b c:d")).isEqualTo("a-b-c-d");
        assertThat(ReportWriter.fileName("..")).isEqualTo("report");
        assertThat(ReportWriter.fileName("")).isEqualTo("report");
    }

    @Test
    void namesThePathThatCouldNotBeWritten(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        assertThatThrownBy(() -> ReportWriter.write(file, Fixtures.sweep()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString());
        Files.createDirectories(tmp.resolve("d/shared-prefix.md")); // a directory where a file should go
        assertThatThrownBy(() -> ReportWriter.write(tmp.resolve("d"), Fixtures.sweep()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(tmp.resolve("d/shared-prefix.md").toString());
    }
}
