package io.infergate.scheduler.prefix;

import java.util.Arrays;

/**
 * A map from block hash to the set of endpoints (owners, small int ids) that hold it, stored as one slot per hash:
 * the hash, its owners as a bitmap of {@code words} longs, then as many words of <em>reference</em> bits, side by
 * side in one array (one cache miss reads the slot), with linear probing. An owner's reference bit is the
 * second-chance bit of {@link PrefixIndex}'s clock eviction: set when the owner is sent the hash again, cleared
 * when the clock hand passes it; it is only ever set for an owner that holds the hash, and readers of owners
 * ({@link #readOwners}) never look at it, so changing it needs no version bump. A
 * hash held by 40 endpoints is one slot, not 40, so probe runs stay short however popular a prefix is, and a
 * match reads a hash's owners as a few words it can add to its counters in one go. Deletion shifts later entries
 * back instead of leaving tombstones, so lookups never degrade. A slot is empty exactly when its bitmap is zero:
 * a hash whose last owner leaves is deleted.
 *
 * <p>The bitmap width grows (the table is rebuilt) when an owner id beyond it is added; ids are kept small by
 * {@link PrefixIndex}, so 64 endpoints fit in one word.
 *
 * <p>Memory: {@code 8 + 16 × words} bytes per slot; the table grows past 2/3 load and shrinks below 1/8 (to 1/3),
 * so 36 to 72 bytes per hash with one word, 192 at most right after a big removal.
 *
 * <p>Not thread-safe: {@link PrefixIndex} guards each table with its stripe's lock. The one exception is
 * {@link #readOwners}, which is safe to run during a concurrent write <em>as an optimistic read</em>: it never
 * throws or loops forever on a table being changed (the arrays, mask and width are swapped as one object on resize,
 * and the probe is bounded by the capacity), though what it returns then is garbage the caller must discard after
 * failing to validate its stamp.
 */
final class HashOwnerTable {

    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;

    /** The slot array with its mask and width, replaced as one object so a racing reader sees one generation. */
    private static final class Slots {
        // slot i: data[i * stride] is the hash, the next {@code words} longs its owner bitmap, then its reference bits
        final long[] data;
        final int mask;
        final int words;
        final int stride;

        Slots(int capacity, int words) {
            stride = 2 * words + 1;
            data = new long[capacity * stride];
            mask = capacity - 1;
            this.words = words;
        }
    }

    private Slots slots;
    // mirrors of slots' fields for the single-threaded write paths
    private long[] data;
    private int mask;
    private int words;
    private int stride;
    private int size; // hashes
    private long pairs; // (hash, owner) pairs: set bits

    HashOwnerTable() {
        allocate(MIN_CAPACITY, 1);
    }

    /** murmur3's 64-bit finaliser: spreads any input (not only XXH64 output) over all bits. */
    static long mix(long h) {
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    /** Distinct hashes held. */
    int size() {
        return size;
    }

    /** (hash, owner) pairs held. */
    long pairs() {
        return pairs;
    }

    int capacity() {
        return mask + 1;
    }

    /** Bitmap width in longs: owners up to {@code 64 × words - 1} fit without a rebuild. */
    int words() {
        return words;
    }

    /** Whether {@code owner} holds {@code hash}. */
    boolean has(long hash, int owner) {
        int slot = find(hash);
        int w = owner >>> 6;
        return slot >= 0 && w < words && (data[slot * stride + 1 + w] & (1L << owner)) != 0;
    }

    /** Adds {@code owner} to the owners of {@code hash}; true if it was not there. */
    boolean set(long hash, int owner) {
        if (owner < 0 || owner >= (MAX_CAPACITY >>> 1)) {
            throw new IllegalArgumentException(
                    "owner: " + owner + " (expected: 0.." + ((MAX_CAPACITY >>> 1) - 1) + ")");
        }
        if ((owner >>> 6) >= words) {
            rebuild(capacity(), (owner >>> 6) + 1);
        }
        // one probe finds the hash or the empty slot where it belongs (linear probing keeps no gap before it)
        int slot = findOrFree(hash);
        if (empty(slot)) {
            if ((size + 1) * 3L > capacity() * 2L) {
                rebuild(capacity() * 2, words);
                slot = findOrFree(hash);
            }
            data[slot * stride] = hash;
            size++;
        }
        int i = slot * stride + 1 + (owner >>> 6);
        long bit = 1L << owner;
        if ((data[i] & bit) != 0) {
            return false;
        }
        data[i] |= bit;
        pairs++;
        return true;
    }

    /** Removes {@code owner} from the owners of {@code hash} (the hash goes with its last owner); true if it was there. */
    boolean clear(long hash, int owner) {
        int slot = find(hash);
        int w = owner >>> 6;
        if (slot < 0 || owner < 0 || w >= words) {
            return false;
        }
        int i = slot * stride + 1 + w;
        long bit = 1L << owner;
        if ((data[i] & bit) == 0) {
            return false;
        }
        data[i] &= ~bit;
        data[i + words] &= ~bit;
        pairs--;
        if (empty(slot)) {
            removeAt(slot);
        }
        return true;
    }

    /**
     * If {@code owner} holds {@code hash}, marks it referenced and returns true; otherwise changes nothing and
     * returns false. Touches no owner bit, so a concurrent {@link #readOwners} is unaffected.
     */
    boolean referenceIfHeld(long hash, int owner) {
        int slot = find(hash);
        int w = owner >>> 6;
        if (slot < 0 || owner < 0 || w >= words) {
            return false;
        }
        int i = slot * stride + 1 + w;
        long bit = 1L << owner;
        if ((data[i] & bit) == 0) {
            return false;
        }
        data[i + words] |= bit;
        return true;
    }

    /**
     * The slot of {@code hash} when {@code owner} holds it, else -1: for the clock's step on an endpoint's oldest
     * entry, which then needs no second probe ({@link #clearReferenceAt} or {@link #clearAt}). The slot stays valid
     * until the table next changes structurally (an insert, removal or rebuild).
     */
    int slotHeldBy(long hash, int owner) {
        int slot = find(hash);
        int w = owner >>> 6;
        if (slot < 0 || owner < 0 || w >= words || (data[slot * stride + 1 + w] & (1L << owner)) == 0) {
            return -1;
        }
        return slot;
    }

    /**
     * At a slot from {@link #slotHeldBy}: if {@code owner}'s reference bit is set, clears it (the clock's second
     * chance) and returns true; otherwise returns false. Touches no owner bit.
     */
    boolean clearReferenceAt(int slot, int owner) {
        int i = slot * stride + 1 + words + (owner >>> 6);
        long bit = 1L << owner;
        if ((data[i] & bit) == 0) {
            return false;
        }
        data[i] &= ~bit;
        return true;
    }

    /**
     * At a slot from {@link #slotHeldBy}: removes {@code owner} from the hash's owners, and the hash with its last
     * owner, like {@link #clear}.
     */
    void clearAt(int slot, int owner) {
        int i = slot * stride + 1 + (owner >>> 6);
        long bit = 1L << owner;
        data[i] &= ~bit;
        data[i + words] &= ~bit;
        pairs--;
        if (empty(slot)) {
            removeAt(slot);
        }
    }

    /** Whether {@code owner} holds {@code hash} with its reference bit set; for tests. */
    boolean referenced(long hash, int owner) {
        int slot = find(hash);
        int w = owner >>> 6;
        return slot >= 0 && owner >= 0 && w < words && (data[slot * stride + 1 + words + w] & (1L << owner)) != 0;
    }

    /**
     * Copies the owner bitmap of {@code hash} into {@code out} (at most {@code out.length} words; the rest of
     * {@code out} is left alone) and returns how many words it copied, 0 when the hash is absent. Safe as an
     * optimistic read beside a writer (see the class comment): reads the slot arrays once, probes at most the
     * capacity, never writes to the table.
     */
    int readOwners(long hash, long[] out) {
        Slots t = slots;
        long[] d = t.data;
        int m = t.mask;
        int w = t.words;
        int st = t.stride;
        int i = (int) mix(hash) & m;
        for (int probes = 0; probes <= m; probes++, i = (i + 1) & m) {
            int base = i * st;
            if (isZero(d, base + 1, w)) {
                return 0;
            }
            if (d[base] == hash) {
                int n = Math.min(w, out.length);
                System.arraycopy(d, base + 1, out, 0, n);
                return n;
            }
        }
        return 0;
    }

    /**
     * Loads the first word of {@code hash}'s home slot and returns it, so that a caller walking many hashes can
     * start the cache miss of a later one while it works on the current one (Java has no prefetch instruction;
     * the caller must consume the value so the load is not dropped). Reads the slot arrays once and never writes:
     * safe beside a writer, and the value means nothing.
     */
    long touch(long hash) {
        Slots t = slots;
        return t.data[((int) mix(hash) & t.mask) * t.stride];
    }

    /** Calls {@code visitor} for every (hash, owner) pair; for invariant checks in tests. */
    void forEach(PairVisitor visitor) {
        for (int slot = 0; slot <= mask; slot++) {
            for (int w = 0; w < words; w++) {
                long bits = data[slot * stride + 1 + w];
                while (bits != 0) {
                    visitor.visit(data[slot * stride], (w << 6) + Long.numberOfTrailingZeros(bits));
                    bits &= bits - 1;
                }
            }
        }
    }

    @FunctionalInterface
    interface PairVisitor {
        void visit(long hash, int owner);
    }

    /** The slot holding {@code hash}, or -1. */
    private int find(long hash) {
        for (int i = home(hash); !empty(i); i = (i + 1) & mask) {
            if (data[i * stride] == hash) {
                return i;
            }
        }
        return -1;
    }

    /** The slot holding {@code hash}, or else the empty slot that ends its probe run (where it would go). */
    private int findOrFree(long hash) {
        int i = home(hash);
        while (!empty(i) && data[i * stride] != hash) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private boolean empty(int slot) {
        return isZero(data, slot * stride + 1, words);
    }

    private static boolean isZero(long[] a, int from, int n) {
        for (int k = 0; k < n; k++) {
            if (a[from + k] != 0) {
                return false;
            }
        }
        return true;
    }

    private void removeAt(int slot) {
        int hole = slot;
        for (int j = (hole + 1) & mask; !empty(j); j = (j + 1) & mask) {
            int home = home(data[j * stride]);
            // the entry at j may fill the hole only if the hole lies on its probe path [home, j]
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                System.arraycopy(data, j * stride, data, hole * stride, stride);
                hole = j;
            }
        }
        Arrays.fill(data, hole * stride, (hole + 1) * stride, 0L);
        size--;
        if (capacity() > MIN_CAPACITY && size * 8L < capacity()) {
            rebuild(capacityFor(size), words);
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

    private void rebuild(int newCapacity, int newWords) {
        if (newCapacity > MAX_CAPACITY || (long) newCapacity * (newWords + 1) > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("prefix index stripe full: " + size + " hashes, " + newWords + " words");
        }
        long[] old = data;
        int oldWords = words;
        int oldStride = stride;
        int oldCapacity = mask + 1;
        Slots t = new Slots(newCapacity, newWords);
        for (int i = 0; i < oldCapacity; i++) {
            int from = i * oldStride;
            if (!isZero(old, from + 1, oldWords)) {
                int j = (int) mix(old[from]) & t.mask;
                while (!isZero(t.data, j * t.stride + 1, newWords)) {
                    j = (j + 1) & t.mask;
                }
                int to = j * t.stride;
                int keep = Math.min(oldWords, newWords);
                t.data[to] = old[from];
                System.arraycopy(old, from + 1, t.data, to + 1, keep);
                System.arraycopy(old, from + 1 + oldWords, t.data, to + 1 + newWords, keep);
            }
        }
        install(t);
    }

    private void allocate(int capacity, int w) {
        install(new Slots(capacity, w));
    }

    private void install(Slots t) {
        data = t.data;
        mask = t.mask;
        words = t.words;
        stride = t.stride;
        slots = t; // last, and filled before: an optimistic reader that sees it sees it whole (and validates anyway)
    }
}
