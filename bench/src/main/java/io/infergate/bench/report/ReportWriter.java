package io.infergate.bench.report;

import io.infergate.bench.results.SweepReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a sweep's report files into a directory:
 * <ul>
 *   <li>{@code <workload>.json}: every point, for reading back with {@link JsonReport#read(Path)};</li>
 *   <li>{@code <workload>.md}: the {@link MarkdownReport}, showing the two charts by relative path;</li>
 *   <li>{@code <workload>-ttft-p90.svg}: TTFT p90 against the rate, one line per policy ({@link SvgChart});</li>
 *   <li>{@code <workload>-throughput.svg}: output tokens per second against the rate.</li>
 * </ul>
 * Charts and tables show means over seeds ({@link SeedMeans}). {@code <workload>} is the workload name with every
 * character other than letters, digits, {@code .}, {@code _} and {@code -} replaced by {@code -} ({@code report}
 * when that leaves nothing), so any name makes a safe file name. Existing files are replaced.
 *
 * <p>Stateless; thread-safe, though two calls writing the same workload into one directory overwrite each other.
 * Blocks on file I/O. An I/O error is thrown as {@link UncheckedIOException} naming the path; files written before
 * it stay.
 */
public final class ReportWriter {

    private ReportWriter() {}

    /**
     * Creates {@code dir} (and its parents) if needed and writes the four files.
     *
     * @return the files written: the JSON, the Markdown, the TTFT chart, the throughput chart
     * @throws UncheckedIOException     when the directory or a file cannot be written
     * @throws IllegalArgumentException when the report's points cannot be averaged (see {@link SeedMeans#of})
     */
    public static List<Path> write(Path dir, SweepReport report) {
        List<SeedMeans> means = SeedMeans.of(report);
        String base = fileName(report.workload());
        Path json = dir.resolve(base + ".json");
        Path md = dir.resolve(base + ".md");
        Path ttft = dir.resolve(base + "-ttft-p90.svg");
        Path throughput = dir.resolve(base + "-throughput.svg");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir, e);
        }
        JsonReport.write(json, report);
        writeString(ttft, SvgChart.ttftP90(report.workload(), means).render());
        writeString(throughput, SvgChart.throughput(report.workload(), means).render());
        writeString(
                md,
                MarkdownReport.render(
                        report,
                        List.of(
                                new MarkdownReport.Link(
                                        "TTFT p90 vs offered load",
                                        ttft.getFileName().toString()),
                                new MarkdownReport.Link(
                                        "Output tokens/s vs offered load",
                                        throughput.getFileName().toString()))));
        return List.of(json, md, ttft, throughput);
    }

    /** The workload name as a file name stem: unsafe characters replaced by {@code -}. */
    static String fileName(String workload) {
        String s = workload.replaceAll("[^A-Za-z0-9._-]", "-");
        // a name of dots alone would be "." or ".." or a hidden file
        return s.isEmpty() || s.chars().allMatch(c -> c == '.') ? "report" : s;
    }

    private static void writeString(Path path, String text) {
        try {
            Files.writeString(path, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }
}
