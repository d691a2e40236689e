/**
 * Report files for benchmark sweeps (issue 5): what a {@link io.infergate.bench.results.SweepReport} becomes on
 * disk. {@link io.infergate.bench.report.ReportWriter} writes all of them into a directory; the pieces are
 * usable on their own:
 * <ul>
 *   <li>{@link io.infergate.bench.report.JsonReport}: every point, exactly, for reading back and comparing runs;</li>
 *   <li>{@link io.infergate.bench.report.SeedMeans}: the points of one policy and rate averaged over seeds;</li>
 *   <li>{@link io.infergate.bench.report.MarkdownReport}: settings and one table per rate, policies best first;</li>
 *   <li>{@link io.infergate.bench.report.SvgChart}: dependency-free SVG line charts, log scale for wide
 *       ranges.</li>
 * </ul>
 *
 * <p>Everything is a pure function of the report: the same report gives the same bytes on every platform and in
 * every locale, so report files can be committed and diffed. All types are stateless or immutable and
 * thread-safe.
 */
package io.infergate.bench.report;
