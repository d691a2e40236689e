package io.infergate.simulator.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Test support: real {@code /metrics} samples from test resources ({@code metrics/*.txt}: the documented vLLM,
 * SGLang and Triton samples also in {@code scheduler/src/test/resources/metrics}, whose README names their sources).
 */
final class Fixtures {

    static final String VLLM = "metrics/vllm-v1-docs-excerpt.txt";
    static final String SGLANG = "metrics/sglang.txt";
    static final String TRITON = "metrics/triton-trtllm.txt";

    private Fixtures() {}

    static String read(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The vLLM docs excerpt made parseable: the docs elide the rest of {@code cache_config_info}'s labels
     * with {@code ,...}, which is not valid text format, so that elision is cut.
     */
    static String vllmWithoutElision() {
        return read(VLLM).replace(",...}", "}");
    }
}
