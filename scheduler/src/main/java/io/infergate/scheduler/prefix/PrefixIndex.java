package io.infergate.scheduler.prefix;

import io.infergate.scheduler.pick.Endpoint;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;

/**
 * The approximate prefix-cache index of GIE's {@code approx-prefix-cache-producer} (v1.5.0
 * {@code approximateprefix/indexer.go}): which endpoints probably still hold which prompt blocks in their KV
 * cache, learnt only from our own routing decisions. Per endpoint it keeps an LRU of block hashes
 * ({@value #DEFAULT_LRU_CAPACITY_PER_ENDPOINT} by default, or the endpoint's {@code num_gpu_blocks} via
 * {@link #setCapacity}); evicting a hash from an endpoint's LRU removes the endpoint from that hash's owners.
 *
 * <p><b>Endpoints</b> are keyed by {@link Endpoint#hostPort()}, as in {@code InFlightTracker}: a KV cache
 * belongs to a model-server process, i.e. an address (each data-parallel rank has its own port), whatever the
 * endpoint is called. Keys are interned to small int ids, reused after {@link #removeEndpoint}.
 *
 * <p><b>Matching</b> ({@link #matchLengths}) is GIE's greedy walk, reproduced exactly: for each hash in order,
 * every endpoint holding it gets +1, and the walk stops at the first hash that <em>no</em> endpoint in the
 * index holds. Two consequences worth knowing: an endpoint that lacks block 1 but holds block 2 still gets +1
 * at block 2 if someone else holds block 1; and endpoints outside the candidate list (even ones the pool has
 * dropped but the index not yet purged) keep the walk going. Candidates the index does not know score 0.
 *
 * <p><b>Learning</b> ({@link #learn}, {@link #add}): after a pick, the request's hashes are added for the chosen
 * endpoint only (and, with disaggregated serving, the prefill endpoint). {@link AddOrder} says in which order they
 * enter the LRU; {@link AddOrder#PROMPT_ORDER} is GIE's.
 *
 * <p><b>Layout.</b> A hash's owners are one bitmap in its stripe's table ({@link HashOwnerTable}), and a match
 * adds each walked hash's bitmap to a bit-sliced counter: a few word operations per hash, however many endpoints
 * hold it, where a list of owners would cost one step per owner (a system prompt sent to 40 endpoints). Each
 * endpoint's LRU ({@link EndpointLru}) has its own hash-to-node map, so touching a hash it already holds needs no
 * stripe at all; only new and evicted hashes change a stripe.
 *
 * <p><b>Threading.</b> All methods are thread-safe and may be called from event loops. The owners of a hash
 * live in one of 256 stripes, each a primitive table under its own {@link StampedLock}, held for a single lookup
 * or update (well under a microsecond; exceptionally a resize of that stripe, linear in its size). Each endpoint's LRU has its own fair lock; locks are always taken
 * endpoint first, then one stripe at a time, so there is no deadlock.
 * <ul>
 *   <li>{@link #matchLengths} reads each stripe optimistically: no lock is taken and nothing shared is written
 *       unless a writer changed that stripe during the read, in which case the read is repeated under the read
 *       lock. So matches on several event loops never contend with each other, and the CPU overlaps the cache
 *       misses of successive hashes instead of serialising them behind lock instructions. It never waits for a
 *       writer longer than one stripe operation.</li>
 *   <li>{@link #add} holds the endpoint's lock for its whole hash list and may wait for another {@code add} to
 *       the same endpoint. A touched hash costs one lookup in the endpoint's own map; a new hash in a full LRU
 *       costs several cache misses (the LRU's map and nodes, the evicted hash's stripe, the new hash's stripe),
 *       up to about 0.8 µs on a large index, so up to about 200 µs for 256 new hashes. {@link #learn} hands it to the index's learner
 *       (a {@link BackgroundLearner} in the gateway, the calling thread by default), so that it never delays a
 *       pick; it reads no caller state.</li>
 *   <li>{@link #removeEndpoint}, {@link #retainOnly} and a lowering {@link #setCapacity} are control-plane
 *       calls; they work in batches of 64 entries (about 20 µs) and release the endpoint lock between batches,
 *       so a concurrent {@code add} waits at most one batch.</li>
 * </ul>
 * Reads are not linearisable against writes: a match running beside an add may see part of it, and a match
 * that resolved a candidate just before that endpoint was removed may, if its id is reused at once, count the
 * new owner's blocks. The index is an approximation of remote caches anyway; neither case breaks an invariant.
 *
 * <p><b>Memory</b> is bounded by entries: an entry (one hash held by one endpoint) costs a 16-byte LRU node and
 * 18 to 36 bytes of the endpoint's map, plus its share of the hash's stripe slot (16 bytes per hash with up to 64
 * endpoint ids, at 1/3 to 2/3 load, shared by all the hash's owners): about 40 to 100 bytes per entry. Entries never exceed the
 * sum of the endpoints' capacities (during a lowering {@code setCapacity}, the old one): 64 endpoints at the
 * default capacity hold at most 2,000,000 entries, about 100 MB. (GIE's Go indexer spends more: an LRU list
 * element and map entry per entry, plus a Go map of pods per hash.)
 *
 * <p>Bad arguments ({@code null}, non-positive default capacity) throw; no method fails on content.
 */
public final class PrefixIndex {

    /** GIE's {@code lruCapacityPerServer}: 64 GB of free HBM / 128 KB per token / 16 tokens per block. */
    public static final int DEFAULT_LRU_CAPACITY_PER_ENDPOINT = 31_250;

    static final int STRIPES = 256;
    /** Optimistic reads of one stripe before {@link #matchLengths} takes its read lock. */
    static final int OPTIMISTIC_ATTEMPTS = 16;

    static final int BATCH = 64;
    private static final int STRIPE_SHIFT = 64 - Integer.numberOfTrailingZeros(STRIPES);

    /** The order in which {@link #add} enters a request's hashes into the endpoint's LRU. */
    public enum AddOrder {
        /**
         * First block first, as GIE does: the prompt's first block ends up the least recent of the request's
         * blocks and is evicted before the rest.
         */
        PROMPT_ORDER,
        /**
         * Last block first, so the prompt's first block is the most recent: blocks leave the LRU tail first, the
         * way vLLM frees a request's KV blocks, and a prefix never disappears before its continuation.
         */
        TAIL_FIRST
    }

    private final int defaultCapacity;
    private final AddOrder addOrder;
    private final Executor learner;
    private final LongAdder droppedUpdates = new LongAdder();
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final ConcurrentHashMap<String, EndpointEntry> endpoints = new ConcurrentHashMap<>();
    private final IdPool ids = new IdPool();

    /** GIE's defaults: {@value #DEFAULT_LRU_CAPACITY_PER_ENDPOINT} entries per endpoint, prompt order. */
    public PrefixIndex() {
        this(DEFAULT_LRU_CAPACITY_PER_ENDPOINT, AddOrder.PROMPT_ORDER);
    }

    /** GIE's defaults, learning through {@code learner} (see {@link #PrefixIndex(int, AddOrder, Executor)}). */
    public PrefixIndex(Executor learner) {
        this(DEFAULT_LRU_CAPACITY_PER_ENDPOINT, AddOrder.PROMPT_ORDER, learner);
    }

    /** An index that learns on the calling thread ({@link #learn} is {@link #add}): deterministic. */
    public PrefixIndex(int defaultCapacity, AddOrder addOrder) {
        this(defaultCapacity, addOrder, Runnable::run);
    }

    /**
     * @param defaultCapacity LRU capacity of an endpoint whose {@code num_gpu_blocks} is unknown, >= 1
     * @param addOrder        the order in which {@link #add} enters hashes
     * @param learner         runs the {@link #add} of each {@link #learn}: {@code Runnable::run} to learn on the
     *                        deciding thread (deterministic, for tests and the policy lab), a
     *                        {@link BackgroundLearner} to take the add off the event loop (the gateway)
     */
    public PrefixIndex(int defaultCapacity, AddOrder addOrder, Executor learner) {
        this.learner = Objects.requireNonNull(learner, "learner");
        if (defaultCapacity < 1) {
            throw new IllegalArgumentException("defaultCapacity: " + defaultCapacity + " (expected: >= 1)");
        }
        this.defaultCapacity = defaultCapacity;
        this.addOrder = Objects.requireNonNull(addOrder, "addOrder");
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    public int defaultCapacity() {
        return defaultCapacity;
    }

    public AddOrder addOrder() {
        return addOrder;
    }

    /**
     * The number of leading {@code hashes} matched for each candidate, by GIE's greedy walk (see the class
     * comment); {@code result[i]} belongs to {@code candidates.get(i)} and lies in {@code [0, hashes.length]}.
     * Neither argument is modified. Allocates the result and one small scratch array.
     */
    public int[] matchLengths(long[] hashes, List<Endpoint> candidates) {
        int n = candidates.size();
        int[] matches = new int[n];
        if (hashes.length == 0 || n == 0) {
            return matches;
        }
        int[] candidateIds = new int[n];
        int bound = ids.bound();
        boolean anyKnown = false;
        for (int i = 0; i < n; i++) {
            EndpointEntry e = endpoints.get(candidates.get(i).hostPort());
            candidateIds[i] = e == null ? -1 : e.id;
            if (e != null) {
                anyKnown = true;
                bound = Math.max(bound, e.id + 1);
            }
        }
        if (!anyKnown) {
            return matches; // the walk could only count endpoints that are not candidates
        }
        // Per-owner counts as a bit-sliced counter: plane b holds bit b of every owner's count, one bit per owner,
        // so adding a hash's owner bitmap is a ripple-carry add of a few words, however many owners it has.
        int words = (bound + 63) >>> 6;
        int planes = 32 - Integer.numberOfLeadingZeros(hashes.length);
        long[] counter = new long[planes * words];
        long[] owners = new long[words];
        for (long hash : hashes) {
            int read = readOwners(stripe(hash), hash, owners);
            boolean anyOwner = false;
            for (int w = 0; w < read; w++) {
                long carry = owners[w];
                anyOwner |= carry != 0;
                for (int b = 0; carry != 0 && b < planes; b++) {
                    int k = b * words + w;
                    long both = counter[k] & carry;
                    counter[k] ^= carry;
                    carry = both;
                }
            }
            if (!anyOwner) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            int id = candidateIds[i];
            if (id >= 0) {
                int w = id >>> 6;
                int count = 0;
                for (int b = 0; b < planes; b++) {
                    count |= (int) ((counter[b * words + w] >>> id) & 1L) << b;
                }
                matches[i] = count;
            }
        }
        return matches;
    }

    /**
     * The owner bitmap of {@code hash} in its stripe, read optimistically (no write to shared memory, so concurrent
     * matches on other event loops do not contend and the CPU can overlap the cache misses of successive hashes),
     * falling back to the read lock when a writer intervened. Returns how many words of {@code out} it filled
     * (0 when nobody holds the hash). A hash whose only owners have ids beyond {@code out} (endpoints that joined
     * after the caller sized it, none of them candidates) reads as all-zero words and ends the walk early: a
     * difference from GIE's walk only during the instant an endpoint joins.
     */
    private static int readOwners(Stripe s, long hash, long[] out) {
        // A writer holds a stripe for well under a microsecond, so retrying the optimistic read a few times beats
        // queueing for the read lock, which can park this thread and makes the writer pay a wake-up to release it.
        for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
            long stamp = s.lock.tryOptimisticRead();
            if (stamp != 0) {
                int read = s.table.readOwners(hash, out);
                if (s.lock.validate(stamp)) {
                    return read;
                }
            }
            Thread.onSpinWait();
        }
        long stamp = s.lock.readLock();
        try {
            return s.table.readOwners(hash, out);
        } finally {
            s.lock.unlockRead(stamp);
        }
    }

    /**
     * Records, through the index's learner (see {@link #PrefixIndex(int, AddOrder, Executor)}), that
     * {@code endpoint} now holds the blocks {@code hashes}: {@link #add} on the learner's thread, or at once when
     * the learner runs tasks inline. When the learner refuses the task (its queue is full because updates arrive
     * faster than one thread can apply them, or it is closed) the update is dropped and counted in
     * {@link #droppedUpdates()}: the index then misses one request's blocks, which costs at most a later cache
     * hit, whereas adding on the caller's thread would put up to a couple of hundred microseconds back on the
     * event loop exactly when it is busiest. {@code hashes} must not change afterwards.
     */
    public void learn(Endpoint endpoint, long[] hashes) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(hashes, "hashes");
        if (hashes.length == 0) {
            return;
        }
        try {
            learner.execute(() -> add(endpoint, hashes));
        } catch (RejectedExecutionException e) {
            droppedUpdates.increment();
        }
    }

    /** Updates {@link #learn} dropped because the learner refused them. */
    public long droppedUpdates() {
        return droppedUpdates.sum();
    }

    /**
     * Records that {@code endpoint} now holds the blocks {@code hashes} (after it was picked for a request with
     * these hashes): hashes it already holds become most recent, new ones are added, and when its LRU is full the
     * least recent hash is evicted for each new one. Holds the endpoint's lock for the whole list.
     */
    public void add(Endpoint endpoint, long[] hashes) {
        Objects.requireNonNull(hashes, "hashes");
        if (hashes.length == 0) {
            return;
        }
        EndpointEntry e = entry(endpoint.hostPort());
        e.lock.lock();
        try {
            if (e.removed) {
                return; // the endpoint left while this request was being picked: nothing to learn
            }
            if (addOrder == AddOrder.PROMPT_ORDER) {
                for (long hash : hashes) {
                    put(e, hash);
                }
            } else {
                for (int i = hashes.length - 1; i >= 0; i--) {
                    put(e, hashes[i]);
                }
            }
            e.size = e.lru.size();
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * Sets the endpoint's LRU capacity from its {@code num_gpu_blocks} (vLLM {@code cache_config_info}), or back
     * to the default when {@code numGpuBlocks <= 0} (unknown), as GIE's {@code autoTune} does. Cheap when the
     * capacity is unchanged, so it can run after every scrape. Lowering it evicts least recent entries in
     * batches before returning. Unlike GIE, which reads the metric once when the endpoint's LRU is created, this
     * applies whenever called.
     */
    public void setCapacity(Endpoint endpoint, int numGpuBlocks) {
        int capacity = numGpuBlocks > 0 ? numGpuBlocks : defaultCapacity;
        EndpointEntry e = entry(endpoint.hostPort());
        if (e.capacity == capacity) {
            return;
        }
        e.lock.lock();
        try {
            if (e.removed) {
                return;
            }
            e.lru.setCapacity(capacity);
            e.capacity = capacity;
        } finally {
            e.lock.unlock();
        }
        boolean over = true;
        while (over) {
            e.lock.lock();
            try {
                if (e.removed) {
                    return;
                }
                EndpointLru lru = e.lru;
                for (int k = 0; k < BATCH && lru.size() > lru.capacity(); k++) {
                    evictTail(e);
                }
                e.size = lru.size();
                over = lru.size() > lru.capacity();
            } finally {
                e.lock.unlock();
            }
        }
    }

    /** Forgets the endpoint with this {@link Endpoint#hostPort()} and all its entries. No-op when unknown. */
    public void removeEndpoint(String hostPort) {
        EndpointEntry e = endpoints.get(hostPort);
        if (e != null && endpoints.remove(hostPort, e)) {
            purge(e);
        }
    }

    /**
     * Forgets every endpoint whose {@link Endpoint#hostPort()} is not in {@code hostPorts} (GIE purges pods that
     * no longer exist every two minutes; call this when a new pool snapshot is published).
     */
    public void retainOnly(Set<String> hostPorts) {
        for (EndpointEntry e : endpoints.values()) {
            if (!hostPorts.contains(e.key) && endpoints.remove(e.key, e)) {
                purge(e);
            }
        }
    }

    /**
     * Entries (hash, endpoint) in the index: the sum of the endpoints' LRU sizes, as GIE reports in
     * {@code inference_extension_prefix_indexer_size}. A moment's view under concurrent writes.
     */
    public long size() {
        long total = 0;
        for (EndpointEntry e : endpoints.values()) {
            total += e.size;
        }
        return total;
    }

    /** Entries held by the endpoint with this {@link Endpoint#hostPort()}; 0 when unknown. */
    public int size(String hostPort) {
        EndpointEntry e = endpoints.get(hostPort);
        return e == null ? 0 : e.size;
    }

    /** The LRU capacity of the endpoint with this {@link Endpoint#hostPort()} (the default when unknown). */
    public int capacity(String hostPort) {
        EndpointEntry e = endpoints.get(hostPort);
        return e == null ? defaultCapacity : e.capacity;
    }

    /** Endpoints the index has state for (learnt blocks or a capacity). */
    public int endpointCount() {
        return endpoints.size();
    }

    /** Inserts or touches one hash; caller holds {@code e.lock}. */
    private void put(EndpointEntry e, long hash) {
        EndpointLru lru = e.lru;
        int node = lru.find(hash);
        if (node >= 0) {
            lru.moveToFront(node); // a touch: the endpoint's own map, no shared structure
            return;
        }
        // The endpoint's bits change only under e.lock, so the hash is still absent for it below.
        if (lru.size() >= lru.capacity()) {
            node = evictTailKeepNode(e);
        } else {
            node = lru.allocate();
        }
        lru.linkFront(node, hash);
        Stripe s = stripe(hash);
        long stamp = s.lock.writeLock();
        try {
            s.table.set(hash, e.id);
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /** Evicts the least recent entry and frees its node; caller holds {@code e.lock}. */
    private void evictTail(EndpointEntry e) {
        e.lru.free(evictTailKeepNode(e));
    }

    /** Evicts the least recent entry and returns its unlinked node for reuse; caller holds {@code e.lock}. */
    private int evictTailKeepNode(EndpointEntry e) {
        EndpointLru lru = e.lru;
        int node = lru.tail();
        long victim = lru.key(node);
        Stripe s = stripe(victim);
        long stamp = s.lock.writeLock();
        try {
            s.table.clear(victim, e.id);
        } finally {
            s.lock.unlockWrite(stamp);
        }
        lru.unlink(node);
        return node;
    }

    /** Removes all pairs of an endpoint already taken out of {@link #endpoints}, then releases its id. */
    private void purge(EndpointEntry e) {
        e.removed = true; // adds and capacity changes that still hold e give up from now on
        boolean more = true;
        while (more) {
            e.lock.lock();
            try {
                EndpointLru lru = e.lru;
                for (int k = 0; k < BATCH && lru.size() > 0; k++) {
                    evictTail(e);
                }
                more = lru.size() > 0;
                if (!more) {
                    lru.clear();
                }
                e.size = lru.size();
            } finally {
                e.lock.unlock();
            }
        }
        ids.release(e.id);
    }

    private EndpointEntry entry(String hostPort) {
        EndpointEntry e = endpoints.get(hostPort);
        return e != null
                ? e
                : endpoints.computeIfAbsent(hostPort, k -> new EndpointEntry(k, ids.acquire(), defaultCapacity));
    }

    private Stripe stripe(long hash) {
        return stripes[(int) (HashOwnerTable.mix(hash) >>> STRIPE_SHIFT)];
    }

    /**
     * Checks, while nothing writes, that every pair belongs to a known endpoint and points at that endpoint's LRU
     * node for the same hash in the right stripe, and that every LRU entry has its pair. For tests.
     */
    void checkInvariants() {
        Map<Integer, EndpointEntry> byId = new HashMap<>();
        Map<Integer, Set<Long>> keysById = new HashMap<>();
        for (EndpointEntry e : endpoints.values()) {
            e.lock.lock();
            try {
                check(byId.put(e.id, e) == null, "id " + e.id + " used twice");
                check(e.size == e.lru.size(), e.key + ": size " + e.size + " != lru " + e.lru.size());
                check(e.lru.size() <= e.lru.capacity(), e.key + ": over capacity");
                Set<Long> keys = new HashSet<>();
                int[] linked = e.lru.nodesMostRecentFirst();
                for (int node : linked) {
                    long key = e.lru.key(node);
                    check(keys.add(key), e.key + ": hash " + key + " linked twice");
                    check(
                            e.lru.find(key) == node,
                            e.key + ": map sends hash " + key + " to node " + e.lru.find(key) + ", not " + node);
                }
                keysById.put(e.id, keys);
            } finally {
                e.lock.unlock();
            }
        }
        long[] pairs = new long[1];
        for (int i = 0; i < STRIPES; i++) {
            Stripe s = stripes[i];
            int stripeIndex = i;
            long stamp = s.lock.readLock();
            try {
                s.table.forEach((hash, owner) -> {
                    check(stripe(hash) == stripes[stripeIndex], "hash " + hash + " in the wrong stripe");
                    Set<Long> keys = keysById.get(owner);
                    check(keys != null, "pair of unknown endpoint id " + owner);
                    check(keys.contains(hash), "pair (" + hash + ", " + owner + ") not in that endpoint's LRU");
                    pairs[0]++;
                });
            } finally {
                s.lock.unlockRead(stamp);
            }
        }
        long entries = keysById.values().stream().mapToLong(Set::size).sum();
        check(pairs[0] == entries, "pairs " + pairs[0] + " != LRU entries " + entries);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("prefix index invariant broken: " + message);
        }
    }

    private static final class Stripe {
        final StampedLock lock = new StampedLock();
        final HashOwnerTable table = new HashOwnerTable();
    }

    private static final class EndpointEntry {
        final String key;
        final int id;
        // fair: batched purges and evictions release it between batches and must let waiting adds in
        final ReentrantLock lock = new ReentrantLock(true);
        final EndpointLru lru;
        // written under lock, read without it by size() and setCapacity's fast path
        volatile int size;
        volatile int capacity;
        volatile boolean removed;

        EndpointEntry(String key, int id, int capacity) {
            this.key = key;
            this.id = id;
            this.lru = new EndpointLru(capacity);
            this.capacity = capacity;
        }
    }

    /** Small endpoint ids, lowest free first, so scratch arrays indexed by id stay as small as the pool. */
    private static final class IdPool {
        private final BitSet used = new BitSet();
        private volatile int bound;

        synchronized int acquire() {
            int id = used.nextClearBit(0);
            used.set(id);
            if (id >= bound) {
                bound = id + 1;
            }
            return id;
        }

        synchronized void release(int id) {
            used.clear(id);
        }

        /** One more than the highest id ever handed out. */
        int bound() {
            return bound;
        }
    }
}
