package io.infergate.simulator.engine;

import java.util.Arrays;

/**
 * The engine's state for one live request: its tokens (prompt, then outputs as they are sampled), how
 * many of them have KV computed, its KV blocks, and its block hashes for the prefix cache.
 *
 * <p>Confined to the engine thread.
 */
final class Seq {

    final EngineRequest request;
    final int promptLen;
    final long adapterKey;
    final long tokenSeed;
    final long arrivalNanos;
    final long readyNanos;

    int[] tokens;
    int numTokens;
    int numComputed;
    int outputs;

    int[] blocks = new int[8];
    int numBlocks;
    /** Leading blocks of {@link #blocks} that are full and registered in (or checked against) the cache. */
    int numCachedBlocks;

    private long[] blockHashes = new long[8];
    private int numHashes;

    boolean running;
    boolean finished;
    long firstScheduledNanos = -1;
    long firstTokenNanos = -1;
    long lastTokenNanos = -1;
    int cachedPromptTokens = -1;
    int preemptions;

    Seq(EngineRequest request, long adapterKey, long tokenSeed, long arrivalNanos, long readyNanos, int maxLen) {
        this.request = request;
        this.promptLen = request.promptTokens().length;
        this.adapterKey = adapterKey;
        this.tokenSeed = tokenSeed;
        this.arrivalNanos = arrivalNanos;
        this.readyNanos = readyNanos;
        this.tokens = Arrays.copyOf(
                request.promptTokens(), Math.min(maxLen, promptLen + Math.min(request.outputTokens(), 64)));
        this.numTokens = promptLen;
    }

    String id() {
        return request.requestId();
    }

    String adapter() {
        return request.adapter();
    }

    void appendToken(int token) {
        if (numTokens == tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, numTokens + 1));
        }
        tokens[numTokens++] = token;
    }

    void addBlock(int block) {
        if (numBlocks == blocks.length) {
            blocks = Arrays.copyOf(blocks, blocks.length * 2);
        }
        blocks[numBlocks++] = block;
    }

    /**
     * The chained hash of full block {@code index} (vLLM's {@code hash_block_tokens}: parent hash, the
     * block's tokens, and the LoRA adapter as an extra key on every block). Computed once, lazily.
     */
    long blockHash(int index, int blockSize) {
        while (numHashes <= index) {
            if (numHashes == blockHashes.length) {
                blockHashes = Arrays.copyOf(blockHashes, blockHashes.length * 2);
            }
            long parent = numHashes == 0 ? 0x6A09E667F3BCC909L : blockHashes[numHashes - 1];
            blockHashes[numHashes] = hashBlock(parent, tokens, numHashes * blockSize, blockSize, adapterKey);
            numHashes++;
        }
        return blockHashes[index];
    }

    /** Full blocks whose tokens are all known. */
    int fullBlocks(int blockSize) {
        return numTokens / blockSize;
    }

    static long hashBlock(long parent, int[] tokens, int from, int len, long extraKey) {
        long h = parent ^ 0x9E3779B97F4A7C15L ^ extraKey * 0xC2B2AE3D27D4EB4FL;
        for (int i = from; i < from + len; i++) {
            h = (h ^ tokens[i]) * 0x100000001B3L;
            h ^= h >>> 29;
        }
        return mix(h ^ len);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
