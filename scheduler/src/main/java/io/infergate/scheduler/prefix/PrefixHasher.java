package io.infergate.scheduler.prefix;

import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.PromptBytes;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Splits a request's user input into fixed-size blocks and chains an XXH64 hash over them, exactly as GIE's
 * {@code approx-prefix-cache-producer} (v1.5.0, {@code approximateprefix/hashing.go}) does:
 * <pre>
 *   blockBytes = blockSizeTokens × 4                      (4 = assumed characters per token)
 *   input      = input[0, min(len, maxPrefixBlocks × blockBytes))
 *   h0         = XXH64(UTF-8(model) ‖ UTF-8(cacheSalt), seed 0)      a seed only, not returned
 *   h_i        = XXH64(block_i ‖ LE64(h_{i−1}), seed 0)              for each FULL block i = 1..n
 * </pre>
 * The trailing partial block is ignored (v1.5.0; later GIE commits hash it) and input shorter than one block
 * yields no hashes. Because every hash covers its whole prefix, equal leading hashes mean equal leading bytes
 * (up to XXH64 collisions), which is what {@link PrefixIndex} matches on. v0.5.1 differed: it returned h0 as the
 * first element, so its totals were one higher.
 *
 * <p><b>Which bytes.</b> For chat completions GIE hashes {@code json.Marshal(messages)}, a re-serialisation
 * of the parsed messages. We hash the raw {@code messages} array as the client sent it and never re-serialise
 * (that would mean parsing the body into a tree on the event loop). The same client sends the same bytes for the
 * same conversation prefix, so it gets the same hashes; two clients that format identical messages differently
 * (whitespace, key order, escapes) do not share hashes, where GIE's would. For completions GIE hashes the
 * decoded prompt text; we hash the string's raw bytes between the quotes (escapes left as sent), and the raw
 * JSON value when the prompt is an array. {@link PromptBytes#of} makes this choice for a scanned body, for
 * {@link #hash(String, String, ScannedRequest, byte[], int)} and the gateway alike.
 *
 * <p>Immutable and thread-safe; call it from any thread. Cost is linear in the hashed bytes (at most
 * {@code maxPrefixBlocks × blockBytes}, 16 KiB by default), with one {@code long[]} and one small hasher
 * allocated per call. Bad arguments throw {@link IllegalArgumentException}, {@link NullPointerException} or
 * {@link IndexOutOfBoundsException}; input itself is never rejected.
 */
public final class PrefixHasher {

    /** GIE's {@code blockSizeTokens} default: vLLM's default KV block size. */
    public static final int DEFAULT_BLOCK_SIZE_TOKENS = 16;
    /** GIE's {@code maxPrefixBlocksToMatch} default: 256 blocks, 16 KiB of input with the default block size. */
    public static final int DEFAULT_MAX_PREFIX_BLOCKS = 256;
    /** GIE's {@code averageCharactersPerToken}: block sizes in tokens become this many bytes per token. */
    public static final int CHARACTERS_PER_TOKEN = 4;

    private static final long[] NO_HASHES = new long[0];
    // keeps blockBytes × maxPrefixBlocks inside an int
    private static final int MAX_BLOCK_SIZE_TOKENS = 1 << 20;
    private static final int MAX_PREFIX_BLOCKS = 1 << 20;

    private final int blockSizeTokens;
    private final int blockBytes;
    private final int maxPrefixBlocks;

    /**
     * @param blockSizeTokens block size in tokens, 1..1048576; each block is {@code 4 × blockSizeTokens} bytes
     * @param maxPrefixBlocks most blocks hashed per request, 1..1048576; input beyond them is ignored
     */
    public PrefixHasher(int blockSizeTokens, int maxPrefixBlocks) {
        if (blockSizeTokens < 1 || blockSizeTokens > MAX_BLOCK_SIZE_TOKENS) {
            throw new IllegalArgumentException(
                    "blockSizeTokens: " + blockSizeTokens + " (expected: 1.." + MAX_BLOCK_SIZE_TOKENS + ")");
        }
        if (maxPrefixBlocks < 1 || maxPrefixBlocks > MAX_PREFIX_BLOCKS) {
            throw new IllegalArgumentException(
                    "maxPrefixBlocks: " + maxPrefixBlocks + " (expected: 1.." + MAX_PREFIX_BLOCKS + ")");
        }
        this.blockSizeTokens = blockSizeTokens;
        this.blockBytes = blockSizeTokens * CHARACTERS_PER_TOKEN;
        this.maxPrefixBlocks = maxPrefixBlocks;
    }

    /** GIE's defaults: 16-token (64-byte) blocks, at most 256 of them. */
    public static PrefixHasher defaults() {
        return new PrefixHasher(DEFAULT_BLOCK_SIZE_TOKENS, DEFAULT_MAX_PREFIX_BLOCKS);
    }

    public int blockSizeTokens() {
        return blockSizeTokens;
    }

    /** Bytes per block: {@code blockSizeTokens × 4}. */
    public int blockBytes() {
        return blockBytes;
    }

    public int maxPrefixBlocks() {
        return maxPrefixBlocks;
    }

    /** How many hashes {@link #hash} returns for input of {@code length} bytes. */
    public int blockCount(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
        }
        return Math.min(length / blockBytes, maxPrefixBlocks);
    }

    /**
     * The chained block hashes of {@code input[offset, offset + length)}, one per full block, in order; an empty
     * array when the input is shorter than one block. The array is the caller's to keep (the empty one is shared,
     * which is harmless since it has no elements).
     *
     * @param model     the target model name (after any rewrite), part of the seed hash
     * @param cacheSalt the request's {@code cache_salt}, or {@code null} / empty for none
     */
    public long[] hash(String model, String cacheSalt, byte[] input, int offset, int length) {
        Objects.requireNonNull(model, "model");
        Objects.checkFromIndexSize(offset, length, input.length);
        int n = blockCount(length);
        if (n == 0) {
            return NO_HASHES;
        }
        XxHash64.Streaming h = XxHash64.streaming(0);
        byte[] m = model.getBytes(StandardCharsets.UTF_8);
        h.update(m, 0, m.length);
        if (cacheSalt != null && !cacheSalt.isEmpty()) {
            byte[] s = cacheSalt.getBytes(StandardCharsets.UTF_8);
            h.update(s, 0, s.length);
        }
        long previous = h.digest();
        long[] out = new long[n];
        for (int i = 0, p = offset; i < n; i++, p += blockBytes) {
            previous = XxHash64.hashWithLongSuffix(input, p, blockBytes, previous, 0);
            out[i] = previous;
        }
        return out;
    }

    /**
     * The block hashes of a scanned OpenAI request body: its {@code messages} array when present (chat), else its
     * {@code prompt} (completions: the raw bytes between the quotes of a string, the raw JSON of anything else),
     * else none. See the class comment for why these bytes.
     *
     * @param body      the array holding the body
     * @param bodyStart index in {@code body} of the body's first byte ({@link ScannedRequest} offsets count from it)
     */
    public long[] hash(String model, String cacheSalt, ScannedRequest scanned, byte[] body, int bodyStart) {
        PromptBytes p = PromptBytes.of(scanned, body, bodyStart);
        return hash(model, cacheSalt, p.array(), p.offset(), p.length());
    }
}
