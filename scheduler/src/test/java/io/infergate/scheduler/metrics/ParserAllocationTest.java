package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Allocation per scrape, measured with the JVM's per-thread allocation counter: a parse allocates a few small
 * objects whatever the page size, and unwanted lines allocate nothing. Skipped on JVMs without the counter.
 */
class ParserAllocationTest {

    private static final int ROUNDS = 20;

    @Test
    void skippingAVllmPageAllocatesOnlyTheParseState() {
        byte[] page = MetricsResources.bytes(MetricsResources.SIM_VLLM_LEGACY_CREATED); // 43 KB, 417 lines
        PrometheusTextParser parser = new PrometheusTextParser(List.of("vllm:num_requests_waiting"));
        SampleVisitor visitor = s -> {};

        long perParse = bytesPerCall(() -> parser.parse(page, visitor));

        assertThat(perParse)
                .as("bytes allocated per parse of %d bytes", page.length)
                .isLessThan(2_048);
    }

    @Test
    void extractingAVllmPageAllocatesLittleBesidesTheResult() {
        byte[] page = MetricsResources.bytes(MetricsResources.SIM_VLLM_LEGACY_CREATED);
        MetricsExtractor extractor = MetricsExtractor.withBuiltins();
        Map<String, String> labels = Map.of();

        long perExtract = bytesPerCall(() -> extractor.extract(labels, page));

        // Includes the LoRA and cache-info label strings of the selected series and the result record.
        assertThat(perExtract)
                .as("bytes allocated per extraction of %d bytes", page.length)
                .isLessThan(16_384);
    }

    private static long bytesPerCall(Runnable call) {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof ThreadMXBean);
        var counter = (ThreadMXBean) threads;
        assumeTrue(counter.isThreadAllocatedMemorySupported() && counter.isThreadAllocatedMemoryEnabled());
        long thread = Thread.currentThread().threadId();
        for (int i = 0; i < ROUNDS; i++) {
            call.run(); // load classes and settle the first-call costs
        }
        long before = counter.getThreadAllocatedBytes(thread);
        for (int i = 0; i < ROUNDS; i++) {
            call.run();
        }
        return (counter.getThreadAllocatedBytes(thread) - before) / ROUNDS;
    }
}
