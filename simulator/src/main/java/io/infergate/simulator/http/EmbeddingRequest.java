package io.infergate.simulator.http;

import java.util.List;

/**
 * A parsed {@code /v1/embeddings} request.
 *
 * @param model      the requested model, or null when absent
 * @param inputs     one token-id array per input (at least one)
 * @param base64     {@code encoding_format: "base64"}: little-endian float32 vectors, base64-encoded
 * @param dimensions the requested vector size, or the default when absent
 */
public record EmbeddingRequest(String model, List<int[]> inputs, boolean base64, int dimensions) {

    /** Vector size when the request does not ask for one (a MiniLM-sized embedding model). */
    public static final int DEFAULT_DIMENSIONS = 384;
}
