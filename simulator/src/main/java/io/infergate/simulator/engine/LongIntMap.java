package io.infergate.simulator.engine;

import java.util.Arrays;

/**
 * Open-addressing map from a {@code long} key to a non-negative {@code int}, with linear probing and
 * backward-shift deletion (no tombstones, so lookups stay short under the constant churn of the prefix
 * cache). Avoids boxing on the engine's hot path.
 *
 * <p>Not thread-safe: owned by the engine thread.
 */
final class LongIntMap {

    private static final int EMPTY = -1;

    private long[] keys;
    private int[] values;
    private int mask;
    private int size;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, EMPTY);
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    /** The value for {@code key}, or -1 when absent. */
    int get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == EMPTY) {
                return EMPTY;
            }
            if (keys[i] == key) {
                return v;
            }
        }
    }

    /** Maps {@code key} to {@code value} (>= 0), replacing any previous value. */
    void put(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value: " + value + " (expected: >= 0)");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (values[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
    }

    /** Removes {@code key} if it maps to {@code value}; returns whether it did. */
    boolean remove(long key, int value) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == EMPTY) {
                return false;
            }
            if (keys[i] == key) {
                if (v != value) {
                    return false;
                }
                deleteAt(i);
                return true;
            }
        }
    }

    private void deleteAt(int hole) {
        size--;
        // shift later entries of the same probe run back so no lookup stops early at the hole
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (values[i] == EMPTY) {
                break;
            }
            int home = slot(keys[i]);
            boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
            if (movable) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                hole = i;
            }
        }
        values[hole] = EMPTY;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, EMPTY);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
