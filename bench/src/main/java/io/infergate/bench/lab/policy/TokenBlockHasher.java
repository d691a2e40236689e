package io.infergate.bench.lab.policy;

import java.nio.charset.StandardCharsets;

/**
 * Chained hashes of the full token blocks of a prompt, the way Dynamo's router names KV blocks
 * ({@code compute_block_hash_for_seq}: a hash per block of {@code block_size} token ids, chained with the parent's
 * so equal hashes mean equal prefixes; the trailing partial block gets none). Dynamo uses XXH3 with seed 1337; we use
 * a 64-bit multiply-xorshift mix, which only has to tell blocks apart in a simulation. The chain is seeded with the
 * request's model name, since Dynamo keeps LoRA adapters' blocks apart. Stateless; any thread.
 */
final class TokenBlockHasher {

    private static final long[] NONE = new long[0];

    private TokenBlockHasher() {}

    static long[] hash(String model, int[] tokens, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize: " + blockSize + " (expected: >= 1)");
        }
        int blocks = tokens.length / blockSize;
        if (blocks == 0) {
            return NONE;
        }
        long parent = mix(0x9E3779B97F4A7C15L);
        for (byte b : model.getBytes(StandardCharsets.UTF_8)) {
            parent = mix(parent ^ (b & 0xFF));
        }
        long[] out = new long[blocks];
        for (int k = 0, p = 0; k < blocks; k++) {
            long h = 0x632BE59BD9B4E019L;
            for (int end = p + blockSize; p < end; p++) {
                h = mix(h ^ (tokens[p] & 0xFFFFFFFFL));
            }
            parent = mix(parent * 31 + h);
            out[k] = parent;
        }
        return out;
    }

    /** SplitMix64's finaliser (Stafford variant 13): full avalanche in a few cycles. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
