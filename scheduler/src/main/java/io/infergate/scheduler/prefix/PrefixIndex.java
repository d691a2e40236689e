package io.infergate.scheduler.prefix;

import io.infergate.scheduler.pick.Endpoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

/**
 * The approximate prefix-cache index of GIE's {@code approx-prefix-cache-producer} (v1.5.0
 * {@code approximateprefix/indexer.go}): which endpoints probably still hold which prompt blocks in their KV
 * cache, learnt only from our own routing decisions. Per endpoint it holds at most a capacity of block hashes
 * ({@value #DEFAULT_LRU_CAPACITY_PER_ENDPOINT} by default, or the endpoint's {@code num_gpu_blocks} via
 * {@link #setCapacity}); when a new hash would exceed it, one of the endpoint's hashes is evicted, chosen by a clock
 * (second chance, an approximation of GIE's LRU, see below), and the endpoint leaves that hash's owners.
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
 * enter the endpoint's clock; {@link AddOrder#PROMPT_ORDER} is GIE's.
 *
 * <p><b>Eviction: a clock, not an exact LRU.</b> Each endpoint keeps its hashes in arrival order in a ring
 * ({@link ClockRing}, 8 bytes an entry); a hash it is sent again gets its reference bit set in the shared table
 * instead of moving in a list. To make room, the clock hand takes the oldest entry: referenced, it loses the bit
 * and goes to the back (a second chance); not referenced, it is evicted. So an endpoint keeps what it was sent
 * since the hand last passed, like an LRU, but among hashes sent again only once the hand reaches them, not in
 * exact recency order. GIE's LRU and this clock evict the same hash as long as no endpoint is sent a hash it holds
 * again; otherwise they can differ in which hash goes first. Capacities and the bound on
 * entries are exact.
 *
 * <p><b>Layout.</b> A hash's owners are one bitmap in its stripe's table ({@link HashOwnerTable}), and a match
 * adds each walked hash's bitmap to a bit-sliced counter: a few word operations per hash, however many endpoints
 * hold it, where a list of owners would cost one step per owner (a system prompt sent to 40 endpoints). Learning
 * a hash reads the same slot: a hash the endpoint holds costs one lookup (usually in cache: the decision just
 * walked it), a new one that lookup, an append to the ring and, when full, the lookup of the evicted hash.
 *
 * <p><b>Threading.</b> All methods are thread-safe and may be called from event loops. Writers ({@link #add},
 * {@link #setCapacity}, {@link #removeEndpoint}, {@link #retainOnly}) take one index-wide fair lock; in the
 * gateway there is one writer anyway, the {@link BackgroundLearner} thread. The owners of a hash live in one of
 * 256 stripes, each a primitive table with a version number (a sequence lock): a writer makes the version odd,
 * changes one slot (exceptionally resizes that stripe, linear in its size) and makes it even again, with plain
 * ordered stores and no atomic instruction, so the CPU overlaps the cache misses of successive blocks.
 * <ul>
 *   <li>{@link #matchLengths} reads each stripe optimistically: it takes no lock and writes nothing shared, and
 *       repeats a stripe's read when its version was odd or changed meanwhile (spinning a few times, then
 *       yielding). So matches on several event loops never contend with each other, and wait for a writer at most
 *       one stripe operation.</li>
 *   <li>{@link #add} holds the writer lock for its whole hash list and may wait for another writer. It costs up
 *       to two cache misses per new hash (its slot, the evicted hash's slot), amortised; a clock hand passing
 *       many referenced entries costs one miss each. {@link #learn} hands it to the index's learner (a
 *       {@link BackgroundLearner} in the gateway, the calling thread by default), so that it never delays a pick;
 *       it reads no caller state.</li>
 *   <li>{@link #removeEndpoint}, {@link #retainOnly} and a lowering {@link #setCapacity} are control-plane
 *       calls; they work in batches of 64 entries and release the writer lock between batches, so a concurrent
 *       {@code add} waits at most one batch.</li>
 * </ul>
 * Reads are not linearisable against writes: a match running beside an add may see part of it, and a match
 * that resolved a candidate just before that endpoint was removed may, if its id is reused at once, count the
 * new owner's blocks. The index is an approximation of remote caches anyway; neither case breaks an invariant.
 *
 * <p><b>Memory</b> is bounded by entries: an entry (one hash held by one endpoint) costs 8 bytes of its endpoint's
 * ring, plus its share of the hash's stripe slot (24 bytes per hash with up to 64 endpoint ids, at 1/3 to 2/3
 * load, shared by all the hash's owners): about 45 to 80 bytes per entry when every hash has one owner, less
 * when they are shared. Entries never exceed the sum of the endpoints' capacities (during a lowering
 * {@code setCapacity}, the old one): 64 endpoints at the default capacity hold at most 2,000,000 entries, about
 * 90 to 160 MB. (GIE's Go indexer spends more: an LRU list element and map entry per entry, plus a Go map of pods
 * per hash.)
 *
 * <p>Bad arguments ({@code null}, non-positive default capacity) throw; no method fails on content.
 */
public final class PrefixIndex {

    /** GIE's {@code lruCapacityPerServer}: 64 GB of free HBM / 128 KB per token / 16 tokens per block. */
    public static final int DEFAULT_LRU_CAPACITY_PER_ENDPOINT = 31_250;

    static final int STRIPES = 256;
    /** Optimistic reads of one stripe before {@link #matchLengths} starts yielding to the writer between tries. */
    static final int OPTIMISTIC_ATTEMPTS = 16;

    static final int BATCH = 64;
    private static final int STRIPE_SHIFT = 64 - Integer.numberOfTrailingZeros(STRIPES);
    private static final VarHandle VERSION = MethodHandles.arrayElementVarHandle(long[].class);
    /** How many blocks ahead {@link #matchLengths} starts loading a block's slot. */
    static final int PREFETCH_DISTANCE = 8;

    private static final long PREFETCH_SENTINEL = 0x9E3779B97F4A7C15L;

    /** The order in which {@link #add} enters a request's hashes into the endpoint's clock. */
    public enum AddOrder {
        /**
         * First block first, as GIE does: the prompt's first block ends up the oldest of the request's new
         * blocks and is evicted before the rest.
         */
        PROMPT_ORDER,
        /**
         * Last block first, so the prompt's first block is the newest: blocks leave the clock oldest first, the
         * way vLLM frees a request's KV blocks, and a prefix never disappears before its continuation.
         */
        TAIL_FIRST
    }

    private final int defaultCapacity;
    private final AddOrder addOrder;
    private final Executor learner;
    private final LongAdder droppedUpdates = new LongAdder();
    private final HashOwnerTable[] tables = new HashOwnerTable[STRIPES];
    // one sequence number per stripe, odd while the writer changes it; 2 KB, not padded: a writer dirties one line
    // per eight stripes, so a walk re-reads at most 32 lines of versions rather than 256
    private final long[] versions = new long[STRIPES];
    // fair: batched purges and capacity changes release it between batches and must let waiting adds in
    private final ReentrantLock writer = new ReentrantLock(true);
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
     * @param defaultCapacity capacity of an endpoint whose {@code num_gpu_blocks} is unknown, >= 1
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
            tables[i] = new HashOwnerTable();
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
        // Each block's slot is a cache miss on a large index; touching the slot PREFETCH_DISTANCE blocks ahead lets
        // the CPU fetch several at once instead of one after another.
        long touched = 0;
        for (int j = 0; j < Math.min(PREFETCH_DISTANCE, hashes.length); j++) {
            touched += touch(hashes[j]);
        }
        for (int i = 0; i < hashes.length; i++) {
            if (i + PREFETCH_DISTANCE < hashes.length) {
                touched += touch(hashes[i + PREFETCH_DISTANCE]);
            }
            long hash = hashes[i];
            int read = readOwners(hash, owners);
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
        consume(touched);
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
     * A use of the early loads ({@link #touch}), so that the JIT keeps them, that writes no shared memory: a pause
     * instruction in the rare case the sum hits the sentinel, which changes nothing.
     */
    private static void consume(long touched) {
        if (touched == PREFETCH_SENTINEL) {
            Thread.onSpinWait();
        }
    }

    private long touch(long hash) {
        return tables[stripe(hash)].touch(hash);
    }

    /**
     * The owner bitmap of {@code hash} in its stripe, read optimistically: no write to shared memory, so concurrent
     * matches on other event loops do not contend and the CPU can overlap the cache misses of successive hashes.
     * The read counts when the stripe's version was even before it and unchanged after it; otherwise it is
     * repeated, after a few tries yielding to the writer, which holds a stripe for one slot operation. Returns
     * how many words of {@code out} it filled (0 when nobody holds the hash). A hash whose only owners have ids
     * beyond {@code out} (endpoints that joined after the caller sized it, none of them candidates) reads as
     * all-zero words and ends the walk early: a difference from GIE's walk only during the instant an endpoint
     * joins.
     */
    private int readOwners(long hash, long[] out) {
        int s = stripe(hash);
        HashOwnerTable table = tables[s];
        for (int attempt = 0; ; attempt++) {
            long before = (long) VERSION.getAcquire(versions, s);
            if ((before & 1) == 0) {
                int read = table.readOwners(hash, out);
                VarHandle.loadLoadFence();
                if ((long) VERSION.getOpaque(versions, s) == before) {
                    return read;
                }
            }
            if (attempt < OPTIMISTIC_ATTEMPTS) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the writer may have been descheduled mid-operation
            }
        }
    }

    /**
     * Records, through the index's learner (see {@link #PrefixIndex(int, AddOrder, Executor)}), that
     * {@code endpoint} now holds the blocks {@code hashes}: {@link #add} on the learner's thread, or at once when
     * the learner runs tasks inline. When the learner refuses the task (its queue is full because updates arrive
     * faster than one thread can apply them, or it is closed) the update is dropped and counted in
     * {@link #droppedUpdates()}: the index then misses one request's blocks, which costs at most a later cache
     * hit, whereas adding on the caller's thread would put the work back on the event loop exactly when it is
     * busiest. {@code hashes} must not change afterwards.
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
     * these hashes): hashes it already holds are marked referenced (they survive the clock hand's next pass), new
     * ones are added, and when the endpoint is at capacity the clock evicts one of its hashes for each new one.
     * Holds the writer lock for the whole list; the array is not kept.
     */
    public void add(Endpoint endpoint, long[] hashes) {
        Objects.requireNonNull(hashes, "hashes");
        if (hashes.length == 0) {
            return;
        }
        EndpointEntry e = entry(endpoint.hostPort());
        writer.lock();
        try {
            if (e.removed) {
                return; // the endpoint left while this request was being picked: nothing to learn
            }
            int n = hashes.length;
            boolean tailFirst = addOrder == AddOrder.TAIL_FIRST;
            // as in matchLengths: start loading the slots of the hash and of the eviction candidate a few steps
            // ahead, so that their cache misses overlap instead of queueing one after another
            long touched = 0;
            for (int k = 0; k < Math.min(PREFETCH_DISTANCE, n); k++) {
                touched += touch(hashes[tailFirst ? n - 1 - k : k]);
            }
            for (int k = 0; k < n; k++) {
                if (k + PREFETCH_DISTANCE < n) {
                    touched += touch(hashes[tailFirst ? n - 1 - k - PREFETCH_DISTANCE : k + PREFETCH_DISTANCE]);
                }
                if (e.ring.size() >= e.capacity) {
                    touched += touch(e.ring.peek(PREFETCH_DISTANCE));
                }
                put(e, hashes[tailFirst ? n - 1 - k : k]);
            }
            consume(touched);
            e.size = e.ring.size();
        } finally {
            writer.unlock();
        }
    }

    /**
     * Sets the endpoint's capacity from its {@code num_gpu_blocks} (vLLM {@code cache_config_info}), or back to
     * the default when {@code numGpuBlocks <= 0} (unknown), as GIE's {@code autoTune} does. Cheap when the
     * capacity is unchanged, so it can run after every scrape. Lowering it evicts (by the clock) in batches
     * before returning. Unlike GIE, which reads the metric once when the endpoint's LRU is created, this applies
     * whenever called.
     */
    public void setCapacity(Endpoint endpoint, int numGpuBlocks) {
        int capacity = numGpuBlocks > 0 ? numGpuBlocks : defaultCapacity;
        EndpointEntry e = entry(endpoint.hostPort());
        if (e.capacity == capacity) {
            return;
        }
        writer.lock();
        try {
            if (e.removed) {
                return;
            }
            e.capacity = capacity;
        } finally {
            writer.unlock();
        }
        boolean over = true;
        while (over) {
            writer.lock();
            try {
                if (e.removed) {
                    return;
                }
                ClockRing ring = e.ring;
                for (int k = 0; k < BATCH && ring.size() > e.capacity; k++) {
                    evictOne(e);
                }
                e.size = ring.size();
                over = ring.size() > e.capacity;
                if (!over) {
                    ring.trim(e.capacity);
                }
            } finally {
                writer.unlock();
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
     * Entries (hash, endpoint) in the index: the sum of the endpoints' sizes, as GIE reports in
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

    /** The capacity of the endpoint with this {@link Endpoint#hostPort()} (the default when unknown). */
    public int capacity(String hostPort) {
        EndpointEntry e = endpoints.get(hostPort);
        return e == null ? defaultCapacity : e.capacity;
    }

    /** Endpoints the index has state for (learnt blocks or a capacity). */
    public int endpointCount() {
        return endpoints.size();
    }

    /** Marks a held hash referenced, or adds a new one (evicting first when full); caller holds the writer lock. */
    private void put(EndpointEntry e, long hash) {
        int s = stripe(hash);
        HashOwnerTable table = tables[s];
        // reference bits are invisible to readers: a hash the endpoint holds needs no version change
        if (table.referenceIfHeld(hash, e.id)) {
            return;
        }
        if (e.ring.size() >= e.capacity) {
            evictOne(e);
        }
        beginWrite(s);
        try {
            table.set(hash, e.id);
        } finally {
            endWrite(s);
        }
        e.ring.push(hash, e.capacity);
    }

    /**
     * The clock hand: takes the oldest entry; a referenced one loses its bit and goes to the back, until one that
     * is not is evicted. Ends within one pass of the ring, since every entry passed loses its bit. Caller holds the
     * writer lock; the ring is not empty.
     */
    private void evictOne(EndpointEntry e) {
        ClockRing ring = e.ring;
        while (true) {
            long victim = ring.pop();
            int s = stripe(victim);
            HashOwnerTable table = tables[s];
            int slot = table.slotHeldBy(victim, e.id); // one probe for both outcomes
            if (slot >= 0 && table.clearReferenceAt(slot, e.id)) {
                ring.push(victim, e.capacity); // readers never look at reference bits: no version change
                continue;
            }
            if (slot >= 0) {
                beginWrite(s);
                try {
                    table.clearAt(slot, e.id);
                } finally {
                    endWrite(s);
                }
            }
            return;
        }
    }

    /** Removes all pairs of an endpoint already taken out of {@link #endpoints}, then releases its id. */
    private void purge(EndpointEntry e) {
        boolean more = true;
        while (more) {
            writer.lock();
            try {
                e.removed = true; // adds and capacity changes that still hold e give up from now on
                ClockRing ring = e.ring;
                for (int k = 0; k < BATCH && ring.size() > 0; k++) {
                    long victim = ring.pop();
                    int s = stripe(victim);
                    beginWrite(s);
                    try {
                        tables[s].clear(victim, e.id);
                    } finally {
                        endWrite(s);
                    }
                }
                more = ring.size() > 0;
                if (!more) {
                    ring.clear();
                }
                e.size = ring.size();
            } finally {
                writer.unlock();
            }
        }
        ids.release(e.id);
    }

    // The writer's half of a stripe's sequence lock. Only the holder of the writer lock calls these, so plain
    // increments suffice: odd, a store-store fence so the slot's stores cannot pass it, the stores, then even
    // with release semantics. On x86 and aarch64 that is ordinary stores, no atomic read-modify-write.
    private void beginWrite(int s) {
        long v = (long) VERSION.get(versions, s);
        VERSION.setOpaque(versions, s, v + 1);
        VarHandle.storeStoreFence();
    }

    private void endWrite(int s) {
        long v = (long) VERSION.get(versions, s);
        VERSION.setRelease(versions, s, v + 1);
    }

    private EndpointEntry entry(String hostPort) {
        EndpointEntry e = endpoints.get(hostPort);
        return e != null
                ? e
                : endpoints.computeIfAbsent(hostPort, k -> new EndpointEntry(k, ids.acquire(), defaultCapacity));
    }

    private static int stripe(long hash) {
        return (int) (HashOwnerTable.mix(hash) >>> STRIPE_SHIFT);
    }

    /** The hashes of the endpoint with this {@link Endpoint#hostPort()}, oldest first; for tests. */
    long[] hashesOldestFirst(String hostPort) {
        EndpointEntry e = endpoints.get(hostPort);
        if (e == null) {
            return new long[0];
        }
        writer.lock();
        try {
            return e.ring.oldestFirst();
        } finally {
            writer.unlock();
        }
    }

    /**
     * Checks, while nothing writes, that every pair belongs to a known endpoint and is in that endpoint's ring in
     * the right stripe, that every ring entry has its pair, and that every version is even. For tests.
     */
    void checkInvariants() {
        writer.lock();
        try {
            Map<Integer, Set<Long>> keysById = new HashMap<>();
            for (EndpointEntry e : endpoints.values()) {
                check(!keysById.containsKey(e.id), "id " + e.id + " used twice");
                check(e.size == e.ring.size(), e.key + ": size " + e.size + " != ring " + e.ring.size());
                check(e.ring.size() <= e.capacity, e.key + ": over capacity");
                Set<Long> keys = new HashSet<>();
                for (long key : e.ring.oldestFirst()) {
                    check(keys.add(key), e.key + ": hash " + key + " in the ring twice");
                }
                keysById.put(e.id, keys);
            }
            long[] pairs = new long[1];
            for (int i = 0; i < STRIPES; i++) {
                int stripeIndex = i;
                check((versions[i] & 1) == 0, "stripe " + i + " left mid-write");
                tables[i].forEach((hash, owner) -> {
                    check(stripe(hash) == stripeIndex, "hash " + hash + " in the wrong stripe");
                    Set<Long> keys = keysById.get(owner);
                    check(keys != null, "pair of unknown endpoint id " + owner);
                    check(keys.contains(hash), "pair (" + hash + ", " + owner + ") not in that endpoint's ring");
                    pairs[0]++;
                });
            }
            long entries = keysById.values().stream().mapToLong(Set::size).sum();
            check(pairs[0] == entries, "pairs " + pairs[0] + " != ring entries " + entries);
        } finally {
            writer.unlock();
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("prefix index invariant broken: " + message);
        }
    }

    private static final class EndpointEntry {
        final String key;
        final int id;
        final ClockRing ring = new ClockRing(); // changed only under the writer lock
        // written under the writer lock, read without it by size() and setCapacity's fast path
        volatile int size;
        volatile int capacity;
        volatile boolean removed;

        EndpointEntry(String key, int id, int capacity) {
            this.key = key;
            this.id = id;
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
