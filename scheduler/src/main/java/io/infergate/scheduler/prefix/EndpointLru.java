package io.infergate.scheduler.prefix;

import java.util.Arrays;

/**
 * The recency order of the block hashes one endpoint holds: a doubly linked list threaded through parallel
 * primitive arrays (node = index), most recent at the head. It holds no lookup structure of its own; the
 * {@link HashOwnerTable} pair of (hash, endpoint) stores the node index.
 *
 * <p>Memory: 16 bytes per node (8 key, 4 prev, 4 next). Arrays start at 16 nodes and double, never beyond the
 * capacity in force when they grow; freed nodes are reused through a free list, and {@link #clear} drops them.
 *
 * <p>Not thread-safe: {@link PrefixIndex} guards each list with its endpoint's lock.
 */
final class EndpointLru {

    private static final int INITIAL_NODES = 16;
    private static final int NONE = -1;

    private long[] keys = new long[0];
    private int[] prev = new int[0];
    private int[] next = new int[0];
    private int head = NONE;
    private int tail = NONE;
    private int freeHead = NONE; // free nodes, chained through next[]
    private int allocated;       // nodes ever handed out: [0, allocated) are in the list or free
    private int size;
    private int capacity;

    EndpointLru(int capacity) {
        setCapacity(capacity);
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** Changes the capacity; the caller evicts if the list is now over it. */
    void setCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** The least recently used node, or -1 when empty. */
    int tail() {
        return tail;
    }

    long key(int node) {
        return keys[node];
    }

    /** A node that is in no list, for {@link #linkFront}. Requires {@code size() < capacity()}. */
    int allocate() {
        if (freeHead != NONE) {
            int node = freeHead;
            freeHead = next[node];
            return node;
        }
        if (allocated == keys.length) {
            int grown = (int) Math.min(capacity, Math.max(INITIAL_NODES, 2L * keys.length));
            if (grown <= keys.length) {
                throw new IllegalStateException("no free node: size " + size + ", capacity " + capacity);
            }
            keys = Arrays.copyOf(keys, grown);
            prev = Arrays.copyOf(prev, grown);
            next = Arrays.copyOf(next, grown);
        }
        return allocated++;
    }

    /** Makes an unlinked node the most recent entry, holding {@code key}. */
    void linkFront(int node, long key) {
        keys[node] = key;
        prev[node] = NONE;
        next[node] = head;
        if (head != NONE) {
            prev[head] = node;
        } else {
            tail = node;
        }
        head = node;
        size++;
    }

    /** Unlinks a node; the caller then links it again or {@link #free}s it. */
    void unlink(int node) {
        int p = prev[node];
        int n = next[node];
        if (p != NONE) {
            next[p] = n;
        } else {
            head = n;
        }
        if (n != NONE) {
            prev[n] = p;
        } else {
            tail = p;
        }
        size--;
    }

    /** Returns an unlinked node to the free list. */
    void free(int node) {
        next[node] = freeHead;
        freeHead = node;
    }

    void moveToFront(int node) {
        if (node != head) {
            long key = keys[node];
            unlink(node);
            linkFront(node, key);
        }
    }

    /** Empties the list and releases its arrays. */
    void clear() {
        keys = new long[0];
        prev = new int[0];
        next = new int[0];
        head = NONE;
        tail = NONE;
        freeHead = NONE;
        allocated = 0;
        size = 0;
    }

    /** The keys from most to least recent; for tests and invariant checks. */
    long[] keysMostRecentFirst() {
        long[] out = new long[size];
        int i = 0;
        for (int node = head; node != NONE; node = next[node]) {
            out[i++] = keys[node];
        }
        return out;
    }

    /** The linked nodes from most to least recent; for invariant checks. */
    int[] nodesMostRecentFirst() {
        int[] out = new int[size];
        int i = 0;
        for (int node = head; node != NONE; node = next[node]) {
            out[i++] = node;
        }
        return out;
    }
}
