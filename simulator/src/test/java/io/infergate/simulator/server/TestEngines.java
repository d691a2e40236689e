package io.infergate.simulator.server;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.http.HttpServerConfig;
import java.time.Duration;

/** Engine configurations that keep integration tests fast. */
final class TestEngines {

    /**
     * {@code max_tokens} for an answer that must still be generating when the test cuts it off (a client that
     * disconnects, a crash after a few chunks, a replica stopped mid-stream): at the H100 preset's ~7 ms a token
     * (more as the context grows) it takes about two minutes, so the abort always wins however long a loaded machine
     * takes to notice the cut. It fits {@link #fast()}'s max_model_len (16368) with a short prompt.
     */
    static final int ENDLESS_ANSWER_TOKENS = 16_000;

    /**
     * The default HTTP settings, except that the replica keeps idle keep-alive connections open longer than the
     * tests' clients keep them pooled (JDK HttpClient 30 s, OkHttp 5 min). With the default 5 s, a test that pauses
     * (a slow assertion, a loaded machine) could reuse a pooled connection just as the replica closes it, and a POST
     * on such a connection fails instead of being retried. The client, not the server, closes idle connections.
     */
    static final HttpServerConfig PATIENT_HTTP = HttpServerConfig.DEFAULT.withKeepAliveTimeoutMs(
            Duration.ofMinutes(10).toMillis());

    private TestEngines() {}

    /** The H100 preset's step times, a small KV cache (max_model_len 16368), 12-token answers, LoRA on. */
    static EngineConfig fast() {
        return Preset.DEFAULT.config().toBuilder()
                .numGpuBlocks(1024)
                .clampMaxModelLenToCache()
                .outputLengths(new OutputLengthDistribution.Fixed(12))
                .frontendOverheadNanos(1_000_000)
                .enableLora(true)
                .maxLoras(2)
                .maxCpuLoras(4)
                .loraLoadNanos(5_000_000)
                .loraActivateNanos(1_000_000)
                .build();
    }
}
