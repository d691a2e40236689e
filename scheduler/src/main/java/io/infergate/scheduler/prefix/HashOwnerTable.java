package io.infergate.scheduler.prefix;

/**
 * A multimap from block hash to the endpoints (owners, small int ids) that hold it, stored as one slot per
 * (hash, owner) pair in parallel primitive arrays with linear probing: no boxing, no per-hash objects. A hash
 * held by k endpoints occupies k slots, all reachable from its home slot without crossing an empty slot; deletion
 * shifts later entries back instead of leaving tombstones, so lookups never degrade.
 *
 * <p>Each pair also carries the index of its node in the owner's {@link EndpointLru}, so touching a hash that an
 * endpoint already holds costs one lookup here.
 *
 * <p>Memory: 16 bytes per slot (8 hash, 4 owner, 4 node); the table grows past 2/3 load and shrinks below 1/8
 * (to 1/3), so a pair costs 24 to 48 bytes, 128 at most right after a big removal.
 *
 * <p>Not thread-safe: {@link PrefixIndex} guards each table with its stripe's lock. The one exception is
 * {@link #collectOwners}, which is safe to run during a concurrent write <em>as an optimistic read</em>: it never
 * throws or loops forever on a table being changed (the arrays and their mask are swapped as one object on resize,
 * and the probe is bounded by the capacity), though what it returns then is garbage the caller must discard after
 * failing to validate its stamp.
 */
final class HashOwnerTable {

    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;

    /** The slot arrays with their mask, replaced as one object by a resize so a racing reader sees one generation. */
    private static final class Slots {
        final long[] hashes;
        final int[] owners; // owner id + 1; 0 marks an empty slot
        final int[] nodes;
        final int mask;

        Slots(int capacity) {
            hashes = new long[capacity];
            owners = new int[capacity];
            nodes = new int[capacity];
            mask = capacity - 1;
        }
    }

    private Slots slots;
    // mirrors of slots' fields for the single-threaded write paths, so they read like plain arrays
    private long[] hashes;
    private int[] owners;
    private int[] nodes;
    private int mask;
    private int size;

    HashOwnerTable() {
        allocate(MIN_CAPACITY);
    }

    /** murmur3's 64-bit finaliser: spreads any input (not only XXH64 output) over all bits. */
    static long mix(long h) {
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    int size() {
        return size;
    }

    int capacity() {
        return mask + 1;
    }

    /** The slot of the pair, or -1. */
    int find(long hash, int owner) {
        int o = owner + 1;
        for (int i = home(hash); owners[i] != 0; i = (i + 1) & mask) {
            if (hashes[i] == hash && owners[i] == o) {
                return i;
            }
        }
        return -1;
    }

    /** The LRU node stored with the pair in {@code slot}. */
    int node(int slot) {
        return nodes[slot];
    }

    /** Adds a pair the caller knows is absent. */
    void insert(long hash, int owner, int node) {
        if (owner < 0 || owner == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("owner: " + owner + " (expected: 0.." + (Integer.MAX_VALUE - 1) + ")");
        }
        if ((size + 1) * 3L > capacity() * 2L) {
            resize(capacity() * 2);
        }
        int i = home(hash);
        while (owners[i] != 0) {
            i = (i + 1) & mask;
        }
        hashes[i] = hash;
        owners[i] = owner + 1;
        nodes[i] = node;
        size++;
    }

    /** Removes the pair if present; true if it was. */
    boolean remove(long hash, int owner) {
        int slot = find(hash, owner);
        if (slot < 0) {
            return false;
        }
        removeAt(slot);
        return true;
    }

    /**
     * Writes the owners of {@code hash} to {@code out} (as many as fit) and returns how many owners it has, which
     * may exceed {@code out.length}. Safe as an optimistic read beside a writer (see the class comment): reads the
     * slot arrays once, probes at most the capacity, and never writes.
     */
    int collectOwners(long hash, int[] out) {
        Slots t = slots;
        long[] hs = t.hashes;
        int[] os = t.owners;
        int m = t.mask;
        int found = 0;
        int i = (int) mix(hash) & m;
        for (int probes = 0; probes <= m; probes++, i = (i + 1) & m) {
            int o = os[i];
            if (o == 0) {
                break;
            }
            if (hs[i] == hash) {
                if (found < out.length) {
                    out[found] = o - 1;
                }
                found++;
            }
        }
        return found;
    }

    /** Calls {@code visitor} for every pair; for invariant checks in tests. */
    void forEach(PairVisitor visitor) {
        for (int i = 0; i <= mask; i++) {
            if (owners[i] != 0) {
                visitor.visit(hashes[i], owners[i] - 1, nodes[i]);
            }
        }
    }

    @FunctionalInterface
    interface PairVisitor {
        void visit(long hash, int owner, int node);
    }

    private void removeAt(int slot) {
        int hole = slot;
        for (int j = (hole + 1) & mask; owners[j] != 0; j = (j + 1) & mask) {
            int home = home(hashes[j]);
            // the entry at j may fill the hole only if the hole lies on its probe path [home, j]
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                hashes[hole] = hashes[j];
                owners[hole] = owners[j];
                nodes[hole] = nodes[j];
                hole = j;
            }
        }
        owners[hole] = 0;
        size--;
        if (capacity() > MIN_CAPACITY && size * 8L < capacity()) {
            resize(capacityFor(size));
        }
    }

    private int home(long hash) {
        return (int) mix(hash) & mask;
    }

    /** Smallest power of two >= MIN_CAPACITY at which {@code entries} fill at most a third. */
    private static int capacityFor(int entries) {
        int c = MIN_CAPACITY;
        while (c < MAX_CAPACITY && entries * 3L > c) {
            c <<= 1;
        }
        return c;
    }

    private void resize(int newCapacity) {
        if (newCapacity > MAX_CAPACITY) {
            throw new IllegalStateException("prefix index stripe full: " + size + " pairs");
        }
        long[] oldHashes = hashes;
        int[] oldOwners = owners;
        int[] oldNodes = nodes;
        allocate(newCapacity);
        for (int i = 0; i < oldOwners.length; i++) {
            if (oldOwners[i] != 0) {
                int j = home(oldHashes[i]);
                while (owners[j] != 0) {
                    j = (j + 1) & mask;
                }
                hashes[j] = oldHashes[i];
                owners[j] = oldOwners[i];
                nodes[j] = oldNodes[i];
            }
        }
    }

    private void allocate(int capacity) {
        Slots t = new Slots(capacity);
        hashes = t.hashes;
        owners = t.owners;
        nodes = t.nodes;
        mask = t.mask;
        slots = t; // last: an optimistic reader that sees the new object sees it whole (and validates anyway)
    }
}
