package io.infergate.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The vLLM {@code /metrics} page the scrape benchmarks read: 31,368 bytes, 341 lines, in the shape of a vLLM V1
 * server with LoRA enabled and its default exporters. prometheus_client's process and GC collectors, every
 * {@code vllm:} gauge and counter the engine exports, eight of its histograms with vLLM's bucket boundaries (5 to 22
 * buckets each), five {@code vllm:lora_requests_info} series, {@code vllm:cache_config_info} with all its labels, and
 * the HTTP metrics of prometheus_fastapi_instrumentator over five handlers; no {@code _created} series (vLLM turns
 * them off). Families, labels, label order, HELP texts and number formatting follow the real pages and the field
 * list of vLLM's {@code vllm/v1/metrics/loggers.py} and {@code docs/design/metrics.md}; the values are made up but
 * consistent.
 *
 * <p>What the extractor reads from it: {@value #WAITING} waiting, {@value #RUNNING} running, KV usage
 * {@value #KV_USAGE}, the latest LoRA series (running {@code sql-lora,code-lora}, waiting {@code summarize-lora},
 * max 4), block size 16 and {@value #NUM_GPU_BLOCKS} GPU blocks.
 */
final class VllmPage {

    static final String RESOURCE = "vllm-metrics.txt";
    static final int WAITING = 7;
    static final int RUNNING = 42;
    static final double KV_USAGE = 0.6348286479250335;
    static final int NUM_GPU_BLOCKS = 27_264;

    private VllmPage() {}

    /** A fresh copy of the page's bytes. */
    static byte[] bytes() {
        try (InputStream in = VllmPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing next to " + VllmPage.class);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
