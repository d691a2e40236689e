package io.infergate.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infergate.testing.Patience;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.Result;

/**
 * The loopback scrape benchmark, called directly: a real server on an ephemeral port, each real fetcher, the pages read
 * and the server's threads found by name. What a scrape costs is the benchmark's number, not this test's.
 */
class ScrapeHttpBenchmarkIT {

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "netty"})
    void scrapesOverLoopbackReadThePageAndTheServerThreadsAreFoundByName(String client) throws Exception {
        ScrapeHttpBenchmark b = new ScrapeHttpBenchmark();
        b.client = client;
        b.timeout = Patience.EVENTUALLY; // a fetch on a machine at load 10 can take longer than the gateway's 500 ms
        b.setUp();
        try {
            CpuProfiler cpu = new CpuProfiler("threads=" + ScrapeHttpBenchmark.SERVER_THREADS);
            cpu.beforeIteration(null, null);
            for (int i = 0; i < 5; i++) {
                ScrapeBenchmarkTest.assertPageValues(b.fetchAndExtract());
            }
            ScrapeBenchmarkTest.assertPageValues(b.concurrentTick()); // 100 at once, over as many connections
            List<Result> r = cpu.afterIteration(
                    null, null, new IterationResult(null, null, new IterationResultMetaData(105, 105)));

            assertThat(r).extracting(Result::getLabel).containsExactly("cpu.process", "cpu.matched", "cpu.other");
            assertThat(r.get(1).getScore())
                    .as("the server's threads served 105 pages")
                    .isPositive();
            // not process > matched: the process clock counts in 10 ms scheduler ticks, the threads' in nanoseconds,
            // so on a loaded machine a short run's process total can read below its server threads' share
            assertThat(r.get(1).getScore() + r.get(2).getScore())
                    .isCloseTo(r.get(0).getScore(), within(1e-9));
        } finally {
            b.tearDown();
        }
    }
}
