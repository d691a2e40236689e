package io.infergate.scheduler.scheduling.config;

import io.infergate.api.load.Params;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import java.util.OptionalInt;

/**
 * The parameters of GIE's approximate prefix cache, as {@code prefix-cache-scorer} and
 * {@code approx-prefix-cache-producer} take them (GIE v1.5.0 {@code approximateprefix/types.go}, the same struct for
 * both), read by {@link #read(Params)}:
 * <table>
 *   <caption>Parameters</caption>
 *   <tr><th>Parameter</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code autoTune}</td><td>true</td><td>an endpoint's index capacity follows its scraped
 *       {@code num_gpu_blocks}. GIE also takes the block size from the first endpoint's {@code block_size};
 *       Infergate keeps the configured block size (hashes are computed before the candidates are known).</td></tr>
 *   <tr><td>{@code blockSizeTokens}</td><td>16</td><td>block size in tokens of {@value PrefixHasher#CHARACTERS_PER_TOKEN}
 *       bytes</td></tr>
 *   <tr><td>{@code maxPrefixBlocksToMatch}</td><td>256</td><td>most blocks hashed per request</td></tr>
 *   <tr><td>{@code maxPrefixTokensToMatch}</td><td>0</td><td>when &gt; 0, overrides the former as
 *       {@code maxPrefixTokensToMatch / blockSizeTokens} blocks</td></tr>
 *   <tr><td>{@code lruCapacityPerServer}</td><td>31250</td><td>index entries (blocks) per endpoint</td></tr>
 *   <tr><td>{@code blockSize}</td><td>-</td><td>GIE v1.x legacy, in characters; accepted and ignored here (the
 *       loader's rules refuse it without {@code blockSizeTokens})</td></tr>
 *   <tr><td>{@code hashBlockSize}</td><td>-</td><td>GIE v0.5.x, in characters (64 in its examples):
 *       {@code blockSizeTokens = hashBlockSize / 4}, so 64 characters are the same 64-byte blocks as 16 tokens;
 *       a size that is not a multiple of 4 is rounded down (with a warning); {@code blockSizeTokens} wins when
 *       both are given</td></tr>
 * </table>
 * Infergate refuses values GIE accepts but that turn prefix matching off without a word (a block size, block count
 * or capacity of 0, a token limit below one block): they are errors here.
 *
 * <p>Immutable and thread-safe.
 *
 * @param autoTune            see above
 * @param blockSizeTokens     1..{@value #MAX_BLOCK_SIZE_TOKENS}
 * @param maxPrefixBlocks     1..{@value #MAX_PREFIX_BLOCKS}, after {@code maxPrefixTokensToMatch}
 * @param lruCapacityPerServer >= 1
 */
public record PrefixSettings(boolean autoTune, int blockSizeTokens, int maxPrefixBlocks, int lruCapacityPerServer) {

    /** The largest block size {@link PrefixHasher} accepts. */
    public static final int MAX_BLOCK_SIZE_TOKENS = 1 << 20;
    /** The largest block count {@link PrefixHasher} accepts. */
    public static final int MAX_PREFIX_BLOCKS = 1 << 20;

    /** GIE's defaults: autoTune, 16-token blocks, 256 blocks, 31250 entries per endpoint. */
    public static final PrefixSettings DEFAULT = new PrefixSettings(
            true,
            PrefixHasher.DEFAULT_BLOCK_SIZE_TOKENS,
            PrefixHasher.DEFAULT_MAX_PREFIX_BLOCKS,
            PrefixIndex.DEFAULT_LRU_CAPACITY_PER_ENDPOINT);

    /**
     * Builds the {@code approx-prefix-cache-producer} plugin: its parameters are these settings, and decide how the
     * setup hashes and indexes prompts.
     */
    public static final PluginFactory PRODUCER_FACTORY =
            (name, p, h) -> new PluginInstance.PrefixProducer(name, read(p));

    public PrefixSettings {
        if (blockSizeTokens < 1 || blockSizeTokens > MAX_BLOCK_SIZE_TOKENS) {
            throw new IllegalArgumentException(
                    "blockSizeTokens: " + blockSizeTokens + " (expected: 1.." + MAX_BLOCK_SIZE_TOKENS + ")");
        }
        if (maxPrefixBlocks < 1 || maxPrefixBlocks > MAX_PREFIX_BLOCKS) {
            throw new IllegalArgumentException(
                    "maxPrefixBlocks: " + maxPrefixBlocks + " (expected: 1.." + MAX_PREFIX_BLOCKS + ")");
        }
        if (lruCapacityPerServer < 1) {
            throw new IllegalArgumentException("lruCapacityPerServer: " + lruCapacityPerServer + " (expected: >= 1)");
        }
    }

    /** The hasher these settings describe. */
    public PrefixHasher hasher() {
        return new PrefixHasher(blockSizeTokens, maxPrefixBlocks);
    }

    /**
     * Reads the parameters (see the class comment), reporting problems through {@code params}; a bad value is
     * reported and replaced by its default, so the result is always usable. Declares every parameter name above
     * accepted; does not call {@link Params#finish}.
     */
    public static PrefixSettings read(Params params) {
        boolean autoTune = params.bool("autoTune").orElse(DEFAULT.autoTune);
        OptionalInt tokens = params.integer("blockSizeTokens", 1, MAX_BLOCK_SIZE_TOKENS);
        boolean tokensWritten = params.has("blockSizeTokens");
        OptionalInt chars = params.integer("hashBlockSize");
        params.raw("blockSize"); // GIE v1.x legacy; the loader's rules judge it
        int blockSizeTokens = tokens.orElse(DEFAULT.blockSizeTokens);
        if (chars.isPresent()) {
            int c = chars.getAsInt();
            int perToken = PrefixHasher.CHARACTERS_PER_TOKEN;
            if (tokensWritten) {
                params.warning(
                        "hashBlockSize",
                        "ignored: blockSizeTokens is set (hashBlockSize is GIE v0.5's block"
                                + " size in characters; blockSizeTokens replaced it)");
            } else if (c < perToken || c / perToken > MAX_BLOCK_SIZE_TOKENS) {
                params.error(
                        "hashBlockSize",
                        "found " + c + " (expected: " + perToken + ".."
                                + (long) MAX_BLOCK_SIZE_TOKENS * perToken + " characters; blocks are whole tokens of "
                                + perToken + " characters)");
            } else {
                blockSizeTokens = c / perToken;
                if (c % perToken != 0) {
                    params.warning(
                            "hashBlockSize",
                            c + " characters is not a whole number of tokens: blocks are "
                                    + blockSizeTokens * perToken + " characters (blockSizeTokens: " + blockSizeTokens
                                    + ", tokens of " + perToken + " characters)");
                }
            }
        }
        int maxBlocks =
                params.integer("maxPrefixBlocksToMatch", 1, MAX_PREFIX_BLOCKS).orElse(DEFAULT.maxPrefixBlocks);
        OptionalInt maxTokens = params.integer("maxPrefixTokensToMatch", 0, Integer.MAX_VALUE);
        if (maxTokens.isPresent() && maxTokens.getAsInt() > 0) {
            int blocks = maxTokens.getAsInt() / blockSizeTokens;
            if (blocks < 1 || blocks > MAX_PREFIX_BLOCKS) {
                params.error(
                        "maxPrefixTokensToMatch",
                        "found " + maxTokens.getAsInt() + " (expected: 0 for"
                                + " maxPrefixBlocksToMatch, or " + blockSizeTokens + ".."
                                + (long) MAX_PREFIX_BLOCKS * blockSizeTokens + " tokens, 1.." + MAX_PREFIX_BLOCKS
                                + " blocks of " + blockSizeTokens
                                + " tokens; fewer than one block would match nothing)");
            } else {
                maxBlocks = blocks;
            }
        }
        int capacity =
                params.integer("lruCapacityPerServer", 1, Integer.MAX_VALUE).orElse(DEFAULT.lruCapacityPerServer);
        return new PrefixSettings(autoTune, blockSizeTokens, maxBlocks, capacity);
    }
}
