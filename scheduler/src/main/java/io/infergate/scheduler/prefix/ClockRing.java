package io.infergate.scheduler.prefix;

import java.util.Arrays;

/**
 * The block hashes one endpoint holds, oldest first: a circular array of hashes and nothing else. It replaces a
 * linked LRU with a hash-to-node map: whether the endpoint holds a hash, and whether it was sent it again since
 * the clock hand last passed (its reference bit), live in the shared {@link HashOwnerTable} slot that
 * {@link PrefixIndex} reads anyway, so a new hash costs one append here (sequential memory) instead of a map
 * insert and a node link, and the eviction candidate is simply the oldest entry.
 *
 * <p>Keys are unique: {@link PrefixIndex} pushes a hash only when the endpoint did not hold it. Memory: 8 bytes per
 * entry; the array starts at {@value #INITIAL} entries and doubles, never beyond the capacity in force when it
 * grows, and {@link #trim} gives back what a lowered capacity no longer needs.
 *
 * <p>Not thread-safe: {@link PrefixIndex} changes rings only under its writer lock.
 */
final class ClockRing {

    static final int INITIAL = 16;
    private static final long[] NONE = new long[0];

    private long[] keys = NONE;
    private int head; // index of the oldest entry
    private int size;

    int size() {
        return size;
    }

    /** Appends {@code key} as the newest entry, growing the array up to {@code capacity} entries if full. */
    void push(long key, int capacity) {
        if (size == keys.length) {
            resize((int) Math.max(size + 1L, Math.min(capacity, Math.max(INITIAL, 2L * size))));
        }
        int tail = head + size;
        keys[tail < keys.length ? tail : tail - keys.length] = key;
        size++;
    }

    /** Removes and returns the oldest entry. Requires {@code size() > 0}. */
    long pop() {
        if (size == 0) {
            throw new IllegalStateException("empty ring");
        }
        long key = keys[head];
        head = head + 1 == keys.length ? 0 : head + 1;
        size--;
        return key;
    }

    /** The entry {@code i} places after the oldest, or 0 when there is none; a hint for prefetching. */
    long peek(int i) {
        if (i >= size) {
            return 0;
        }
        int k = head + i;
        return keys[k < keys.length ? k : k - keys.length];
    }

    /** Shrinks the array when it is more than twice what {@code capacity} entries need. */
    void trim(int capacity) {
        int wanted = Math.max(INITIAL, Math.max(size, capacity));
        if (keys.length > 2L * wanted) {
            resize(wanted);
        }
    }

    /** Empties the ring and releases its array. */
    void clear() {
        keys = NONE;
        head = 0;
        size = 0;
    }

    /** The entries from oldest to newest; for tests and invariant checks. */
    long[] oldestFirst() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            int k = head + i;
            out[i] = keys[k < keys.length ? k : k - keys.length];
        }
        return out;
    }

    private void resize(int length) {
        long[] grown = oldestFirst();
        keys = Arrays.copyOf(grown, length);
        head = 0;
    }
}
