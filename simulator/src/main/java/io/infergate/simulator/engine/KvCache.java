package io.infergate.simulator.engine;

import java.util.Arrays;

/**
 * Paged KV cache with automatic prefix caching, after vLLM V1's {@code BlockPool} and
 * {@code KVCacheManager} ({@code vllm/v1/core/}, {@code docs/design/prefix_caching.md}):
 * <ul>
 *   <li>block 0 is the reserved null block; usage is {@code 1 - free / (numBlocks - 1)}, where free blocks
 *       include cached blocks no live request references, so a warm cache does not raise usage;</li>
 *   <li>a full block is hashed (chained over all earlier tokens plus the adapter key) as soon as its tokens
 *       are scheduled, so requests later in the same batch can share it;</li>
 *   <li>lookup walks the request's block hashes and stops at the first miss, and never covers the last
 *       prompt token ({@code max_cache_hit_length = num_tokens - 1});</li>
 *   <li>new blocks come from the head of the free queue, evicting the hash they carried; freed blocks go
 *       to the tail in reverse order (a request's deepest block is evicted first), unhashed blocks to the
 *       head: LRU among unreferenced blocks.</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by the engine thread.
 */
final class KvCache {

    private final int blockSize;
    private final int numBlocks;
    private final boolean prefixCaching;
    private final int[] refCount;
    private final long[] hashOf;
    private final boolean[] hashed;
    // doubly linked free queue over block ids, sentinel at index numBlocks
    private final int[] prev;
    private final int[] next;
    private final int sentinel;
    private int numFree;
    private final LongIntMap cached;

    // scratch for lookups: the blocks of the current prefix hit
    private int[] hitScratch = new int[64];

    KvCache(int blockSize, int numBlocks, boolean prefixCaching) {
        this.blockSize = blockSize;
        this.numBlocks = numBlocks;
        this.prefixCaching = prefixCaching;
        this.refCount = new int[numBlocks];
        this.hashOf = new long[numBlocks];
        this.hashed = new boolean[numBlocks];
        this.prev = new int[numBlocks + 1];
        this.next = new int[numBlocks + 1];
        this.sentinel = numBlocks;
        this.cached = new LongIntMap(prefixCaching ? Math.min(numBlocks, 1 << 16) : 16);
        prev[sentinel] = sentinel;
        next[sentinel] = sentinel;
        for (int b = 1; b < numBlocks; b++) { // block 0 is the null block, never handed out
            linkBefore(b, sentinel);
        }
        numFree = numBlocks - 1;
    }

    int blockSize() {
        return blockSize;
    }

    int numFreeBlocks() {
        return numFree;
    }

    /** Blocks referenced by live requests. */
    int usedBlocks() {
        return numBlocks - 1 - numFree;
    }

    double usage() {
        return usedBlocks() / (double) (numBlocks - 1);
    }

    /** Blocks currently holding a cached hash (referenced or not). */
    int cachedBlocks() {
        return cached.size();
    }

    /**
     * Looks up the longest cached prefix of a request that holds no blocks yet. Returns the number of hit
     * blocks; their ids stay in a scratch buffer until the next call and are claimed by {@link #allocate}.
     */
    int lookupPrefix(Seq seq) {
        if (!prefixCaching) {
            return 0;
        }
        int maxBlocks = (seq.numTokens - 1) / blockSize;
        int hits = 0;
        while (hits < maxBlocks) {
            int block = cached.get(seq.blockHash(hits, blockSize));
            if (block < 0) {
                break;
            }
            if (hits == hitScratch.length) {
                hitScratch = Arrays.copyOf(hitScratch, hits * 2);
            }
            hitScratch[hits++] = block;
        }
        return hits;
    }

    /**
     * vLLM's {@code allocate_slots}: claims {@code hitBlocks} blocks of the last {@link #lookupPrefix}
     * (only for a request holding no blocks) and enough new blocks to hold {@code seq.numComputed +
     * hitBlocks * blockSize + numNewTokens} tokens, then registers newly full blocks in the cache.
     *
     * @return false, changing nothing, when there are not enough free blocks
     */
    boolean allocate(Seq seq, int hitBlocks, int numNewTokens) {
        int computedAfterHits = seq.numComputed + hitBlocks * blockSize;
        int totalTokens = computedAfterHits + numNewTokens;
        int needed = (totalTokens + blockSize - 1) / blockSize;
        int toAllocate = Math.max(0, needed - seq.numBlocks - hitBlocks);
        int evictableHits = 0;
        for (int i = 0; i < hitBlocks; i++) {
            if (refCount[hitScratch[i]] == 0) {
                evictableHits++;
            }
        }
        if (toAllocate + evictableHits > numFree) {
            return false;
        }
        for (int i = 0; i < hitBlocks; i++) {
            int b = hitScratch[i];
            if (refCount[b]++ == 0) {
                unlink(b);
                numFree--;
            }
            seq.addBlock(b);
        }
        if (hitBlocks > 0) {
            seq.numCachedBlocks = hitBlocks;
        }
        for (int i = 0; i < toAllocate; i++) {
            int b = next[sentinel];
            unlink(b);
            numFree--;
            if (hashed[b]) {
                cached.remove(hashOf[b], b);
                hashed[b] = false;
            }
            refCount[b] = 1;
            seq.addBlock(b);
        }
        if (prefixCaching) {
            int full = Math.min(totalTokens, seq.numTokens) / blockSize;
            for (int j = seq.numCachedBlocks; j < full; j++) {
                long h = seq.blockHash(j, blockSize);
                int b = seq.blocks[j];
                // an identical block computed twice stays a duplicate (V1 block tables are append-only);
                // the first one keeps the cache entry
                if (!hashed[b] && cached.get(h) < 0) {
                    cached.put(h, b);
                    hashOf[b] = h;
                    hashed[b] = true;
                }
            }
            seq.numCachedBlocks = Math.max(seq.numCachedBlocks, full);
        }
        return true;
    }

    /** Releases every block of {@code seq}: deepest first to the tail (hashed) or head (unhashed). */
    void free(Seq seq) {
        for (int j = seq.numBlocks - 1; j >= 0; j--) {
            int b = seq.blocks[j];
            if (--refCount[b] == 0) {
                if (hashed[b]) {
                    linkBefore(b, sentinel); // tail: evicted last
                } else {
                    linkBefore(b, next[sentinel]); // head: reused first
                }
                numFree++;
            }
        }
        seq.numBlocks = 0;
        seq.numCachedBlocks = 0;
    }

    private void unlink(int b) {
        next[prev[b]] = next[b];
        prev[next[b]] = prev[b];
    }

    private void linkBefore(int b, int at) {
        int p = prev[at];
        prev[b] = p;
        next[b] = at;
        next[p] = b;
        prev[at] = b;
    }
}
