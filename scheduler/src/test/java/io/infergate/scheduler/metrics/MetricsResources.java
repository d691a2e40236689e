package io.infergate.scheduler.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test support: the scrape texts under {@code src/test/resources/metrics/} (sources in its README). */
final class MetricsResources {

    static final String VLLM_DOCS = "vllm-v1-docs-excerpt.txt";
    static final String VLLM_ENGINE_GREP = "vllm-v1-engine-label-grep.txt";
    static final String VLLM_GO_FIXTURE = "vllm-v1-go-fixture.txt";
    static final String VLLM_LORA_PR13303 = "vllm-lora-requests-info-pr13303.txt";
    static final String SGLANG = "sglang.txt";
    static final String TRITON_TRTLLM = "triton-trtllm.txt";
    static final String TRITON_BASE = "triton-base-docs.txt";
    static final String SIM_VLLM = "sim-vllm.txt";
    static final String SIM_VLLM_LEGACY_CREATED = "sim-vllm-legacy-created.txt";
    static final String SIM_SGLANG = "sim-sglang.txt";
    static final String SIM_TRTLLM = "sim-trtllm.txt";
    static final String SIM_TRITON = "sim-triton.txt";
    static final String SIM_TGI = "sim-tgi.txt";

    private MetricsResources() {}

    static byte[] bytes(String name) {
        try (InputStream in = MetricsResources.class.getClassLoader().getResourceAsStream("metrics/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource metrics/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
