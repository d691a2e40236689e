package io.infergate.bench.jmh;

import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.MetricsScraper;
import io.infergate.scheduler.metrics.EngineMapping;
import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The CPU one metrics scrape costs once the page's bytes have arrived, for a ~30 KiB vLLM page ({@link VllmPage}):
 * <ul>
 *   <li>{@link #extract}: what the scraper does with the body, {@link MetricsExtractor#extract} (parse the text
 *       format, select the mapped series, assemble {@link ModelServerMetrics});</li>
 *   <li>{@link #scraperTick}: one {@link MetricsScraper#tick} over {@value #TICK_ENDPOINTS} endpoints whose fetches
 *       complete at once with the page, so per scrape it adds the scraper's own bookkeeping (walking the pools, the
 *       running set, the completion callback, the counters, storing the result) to the extraction. Reported per
 *       scrape ({@code @OperationsPerInvocation}); the time of one tick, i.e. the CPU for
 *       {@value #TICK_ENDPOINTS} endpoints every interval, is {@value #TICK_ENDPOINTS} times that.</li>
 * </ul>
 * Single-threaded, so time per operation is CPU per operation on an otherwise idle core. The network and the HTTP
 * client are not included; {@link ScrapeHttpBenchmark} adds them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScrapeBenchmark {

    static final int TICK_ENDPOINTS = 100;
    static final Map<String, String> LABELS = Map.of(EngineMapping.ENGINE_TYPE_LABEL, EngineMapping.VLLM);

    private byte[] page;
    private MetricsExtractor extractor;
    private BenchPool pool;
    private MetricsScraper scraper;

    @Setup
    public void setUp() {
        page = VllmPage.bytes();
        extractor = MetricsExtractor.withBuiltins();
        pool = new BenchPool(TICK_ENDPOINTS, DecisionBenchmark.SEED, System.nanoTime());
        CompletableFuture<byte[]> answer = CompletableFuture.completedFuture(page);
        // the pool's slots read their pages with the pool's extractor: the built-in mappings, as here
        scraper = new MetricsScraper(
                pool.datastore(),
                (endpoint, timeout) -> answer,
                System::nanoTime,
                Duration.ofMillis(50),
                MetricsScraper.defaultTimeout(Duration.ofMillis(50)));
    }

    @TearDown
    public void tearDown() {
        scraper.close();
    }

    @Benchmark
    public ModelServerMetrics extract() {
        return extractor.extract(LABELS, page);
    }

    @Benchmark
    @OperationsPerInvocation(TICK_ENDPOINTS)
    public void scraperTick() {
        scraper.tick();
    }

    int pageBytes() {
        return page.length;
    }

    Datastore datastore() {
        return pool.datastore();
    }

    MetricsScraper scraper() {
        return scraper;
    }

    BenchPool pool() {
        return pool;
    }
}
