package io.infergate.bench.workload;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The HTTP body of a workload request: an OpenAI {@code /v1/completions} request whose {@code prompt} is the
 * request's text, {@code max_tokens} its output length with vLLM's {@code ignore_eos} (so the server generates
 * exactly that many tokens, as inference-perf's synthetic workloads do), streamed with a final usage chunk. The lab
 * hashes the same bytes the gateway would see, so both paths build bodies here. Stateless and thread-safe.
 */
public final class RequestBodies {

    /** The path the body is sent to. */
    public static final String PATH = "/v1/completions";

    private RequestBodies() {}

    /** The streaming completion body of {@code r}, UTF-8 JSON. */
    public static byte[] completion(WorkloadRequest r) {
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        StringBuilder b = new StringBuilder(r.prompt().length() + 160);
        b.append("{\"model\":\"");
        enc.quoteAsString(r.model(), b);
        b.append("\",\"prompt\":\"");
        enc.quoteAsString(r.prompt(), b);
        b.append("\",\"max_tokens\":")
                .append(r.maxOutputTokens())
                .append(",\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
