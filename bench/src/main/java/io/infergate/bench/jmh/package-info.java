/**
 * JMH benchmarks of the endpoint picker: one scheduling decision ({@link io.infergate.bench.jmh.DecisionBenchmark}),
 * the prefix index learning one request on its own ({@link io.infergate.bench.jmh.LearnBenchmark}), and the cost of one metrics scrape ({@link io.infergate.bench.jmh.ScrapeBenchmark},
 * {@link io.infergate.bench.jmh.ScrapeHttpBenchmark}). Run them with {@code infergate bench jmh} or
 * {@code scripts/bench-jmh.sh}; the numbers are in {@code docs/benchmarks.md}.
 *
 * <p>Every fixture is built from a seed, so two runs measure the same work; the tests of this package call the
 * set-up and benchmark methods directly, without JMH, so a benchmark that stops doing its work fails the build.
 */
package io.infergate.bench.jmh;
