package io.infergate.bench.lab.policy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamo's approximate KV indexer ({@code ApproxKvIndexer}, used with {@code --no-router-kv-events}): with no events
 * from the engines, the router assumes that the blocks of each request it routed stay cached on that worker for a
 * TTL after the routing decision; routing the same block there again restarts its TTL. When the index holds more
 * than {@code maxSize} (worker, block) entries it prunes the oldest down to {@code targetRatio × maxSize}.
 *
 * <p>Per worker the entries live in an insertion-ordered map whose order is also expiry order (one TTL for all, and
 * a refresh moves an entry to the end), so expiring and pruning take entries from the heads. Cost: a match is one
 * lookup per leading block per worker; a record one map operation per block. Not thread-safe: the lab is
 * single-threaded.
 */
final class ApproxKvIndex {

    private final long ttlNanos;
    private final int maxSize;
    private final int targetSize;
    private final List<LinkedHashMap<Long, Long>> workers = new ArrayList<>();
    private long size;

    ApproxKvIndex(long ttlNanos, int maxSize, double targetRatio) {
        this.ttlNanos = ttlNanos;
        this.maxSize = maxSize;
        this.targetSize = (int) Math.floor(maxSize * targetRatio);
    }

    /** Leading {@code hashes} that {@code worker} is assumed to hold at {@code nowNanos}. */
    int overlap(int worker, long[] hashes, long nowNanos) {
        if (worker >= workers.size()) {
            return 0;
        }
        Map<Long, Long> blocks = workers.get(worker);
        int k = 0;
        while (k < hashes.length) {
            Long expiry = blocks.get(hashes[k]);
            if (expiry == null || expiry <= nowNanos) {
                break;
            }
            k++;
        }
        return k;
    }

    /** Records that {@code worker} was routed a request with these blocks at {@code nowNanos}. */
    void record(int worker, long[] hashes, long nowNanos) {
        while (workers.size() <= worker) {
            workers.add(new LinkedHashMap<>());
        }
        LinkedHashMap<Long, Long> blocks = workers.get(worker);
        long expiry = nowNanos + ttlNanos;
        for (long h : hashes) {
            if (blocks.remove(h) == null) {
                size++;
            }
            blocks.put(h, expiry); // re-put moves it to the end: insertion order stays expiry order
        }
        if (size > maxSize) {
            prune();
        }
    }

    /** Drops the entries whose TTL ran out by {@code nowNanos}. */
    void expire(long nowNanos) {
        for (LinkedHashMap<Long, Long> blocks : workers) {
            Iterator<Map.Entry<Long, Long>> it = blocks.entrySet().iterator();
            while (it.hasNext() && it.next().getValue() <= nowNanos) {
                it.remove();
                size--;
            }
        }
    }

    long size() {
        return size;
    }

    int size(int worker) {
        return worker < workers.size() ? workers.get(worker).size() : 0;
    }

    private void prune() {
        while (size > targetSize) {
            LinkedHashMap<Long, Long> oldest = null;
            long oldestExpiry = Long.MAX_VALUE;
            for (LinkedHashMap<Long, Long> blocks : workers) {
                if (!blocks.isEmpty()) {
                    long e = blocks.firstEntry().getValue();
                    if (e < oldestExpiry) {
                        oldestExpiry = e;
                        oldest = blocks;
                    }
                }
            }
            if (oldest == null) {
                return;
            }
            oldest.pollFirstEntry();
            size--;
        }
    }
}
