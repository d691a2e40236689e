package io.infergate.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scrape benchmarks' operations, called directly: they read what the page says. */
class ScrapeBenchmarkTest {

    private final ScrapeBenchmark b = new ScrapeBenchmark();

    @BeforeEach
    void setUp() {
        b.setUp();
    }

    @AfterEach
    void tearDown() {
        b.tearDown();
    }

    static void assertPageValues(ModelServerMetrics m) {
        assertThat(m.problems()).isEmpty();
        assertThat(m.engine()).isEqualTo("vllm");
        assertThat(m.waitingQueue()).isEqualTo(VllmPage.WAITING);
        assertThat(m.runningRequests()).isEqualTo(VllmPage.RUNNING);
        assertThat(m.kvUsage()).isEqualTo(VllmPage.KV_USAGE);
        assertThat(m.activeAdapters()).containsExactlyInAnyOrder("sql-lora", "code-lora");
        assertThat(m.waitingAdapters()).isEqualTo(Set.of("summarize-lora"));
        assertThat(m.maxLoras()).isEqualTo(4);
        assertThat(m.blockSize()).isEqualTo(16);
        assertThat(m.numGpuBlocks()).isEqualTo(VllmPage.NUM_GPU_BLOCKS);
    }

    @Test
    void thePageIsAbout30KiB() {
        assertThat(b.pageBytes()).isBetween(29 * 1024, 32 * 1024);
    }

    @Test
    void extractionReadsTheQueueKvAndLoraOfThePage() {
        for (int i = 0; i < 3; i++) {
            assertPageValues(b.extract());
        }
    }

    @Test
    void aTickScrapesEveryEndpointOnceAndStoresWhatThePageSays() {
        List<EndpointSlot> slots = b.datastore().slots();
        assertThat(slots).hasSize(ScrapeBenchmark.TICK_ENDPOINTS);

        for (int i = 0; i < 3; i++) {
            b.scraperTick();
        }

        for (EndpointSlot s : slots) {
            assertThat(b.scraper().scrapes(s.hostPort())).isEqualTo(3);
            assertThat(s.metrics().failure()).isNull();
            assertPageValues(s.metrics().metrics());
        }
    }
}
