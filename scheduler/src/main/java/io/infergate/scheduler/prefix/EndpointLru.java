package io.infergate.scheduler.prefix;

import java.util.Arrays;

/**
 * The block hashes one endpoint holds, in recency order: a doubly linked list threaded through parallel primitive
 * arrays (node = index), most recent at the head, plus an open-addressing map from hash to node so that touching
 * a hash the endpoint already holds needs no shared structure. Keys are unique: {@link #linkFront} must not be
 * given a key already in the list.
 *
 * <p>Memory: 16 bytes per node (8 key, 4 prev, 4 next) plus 12 bytes per map slot at most 2/3 full (18 to 36 per
 * entry). Node arrays start at 16 nodes and double, never beyond the capacity in force when they grow; freed
 * nodes are reused through a free list, and {@link #clear} drops everything.
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
    private int allocated; // nodes ever handed out: [0, allocated) are in the list or free
    private int size;
    private int capacity;
    // key -> node: slot i is map[2i] = key, map[2i + 1] = node + 1 (0: empty), side by side so a probe is one
    // cache miss; linear probing with backward-shift deletion
    private long[] map = new long[2 * INITIAL_NODES];
    private int mapMask = INITIAL_NODES - 1;

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

    /** The node holding {@code key}, or -1. */
    int find(long key) {
        for (int i = slot(key); map[2 * i + 1] != 0; i = (i + 1) & mapMask) {
            if (map[2 * i] == key) {
                return (int) map[2 * i + 1] - 1;
            }
        }
        return NONE;
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

    /** Makes an unlinked node the most recent entry, holding {@code key} (not already in the list). */
    void linkFront(int node, long key) {
        keys[node] = key;
        mapPut(key, node);
        linkFrontLinks(node);
    }

    private void linkFrontLinks(int node) {
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

    /** Unlinks a node and forgets its key; the caller then links it again or {@link #free}s it. */
    void unlink(int node) {
        mapRemove(keys[node]);
        unlinkLinks(node);
    }

    private void unlinkLinks(int node) {
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
            unlinkLinks(node);
            linkFrontLinks(node);
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
        map = new long[2 * INITIAL_NODES];
        mapMask = INITIAL_NODES - 1;
    }

    private int slot(long key) {
        return (int) HashOwnerTable.mix(key) & mapMask;
    }

    private void mapPut(long key, int node) {
        if ((size + 1) * 3L > (mapMask + 1) * 2L) {
            resizeMap((mapMask + 1) * 2);
        }
        int i = slot(key);
        while (map[2 * i + 1] != 0) {
            i = (i + 1) & mapMask;
        }
        map[2 * i] = key;
        map[2 * i + 1] = node + 1L;
    }

    private void mapRemove(long key) {
        int hole = slot(key);
        while (map[2 * hole + 1] != 0 && map[2 * hole] != key) {
            hole = (hole + 1) & mapMask;
        }
        if (map[2 * hole + 1] == 0) {
            throw new IllegalStateException("key " + key + " not in the map");
        }
        for (int j = (hole + 1) & mapMask; map[2 * j + 1] != 0; j = (j + 1) & mapMask) {
            int home = slot(map[2 * j]);
            if (((j - home) & mapMask) >= ((j - hole) & mapMask)) {
                map[2 * hole] = map[2 * j];
                map[2 * hole + 1] = map[2 * j + 1];
                hole = j;
            }
        }
        map[2 * hole + 1] = 0;
    }

    private void resizeMap(int newCapacity) {
        long[] old = map;
        map = new long[2 * newCapacity];
        mapMask = newCapacity - 1;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i + 1] != 0) {
                int j = slot(old[i]);
                while (map[2 * j + 1] != 0) {
                    j = (j + 1) & mapMask;
                }
                map[2 * j] = old[i];
                map[2 * j + 1] = old[i + 1];
            }
        }
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
