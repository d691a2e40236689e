package io.infergate.scheduler.metrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sample names a parser delivers, looked up straight from the input bytes: each wanted family {@code foo}
 * under its own name and, unless another wanted family has that exact name, as {@code foo_total},
 * {@code foo_bucket}, {@code foo_sum} and {@code foo_count}. Open addressing over a power-of-two table at most
 * a quarter full, so a miss (the common case: an unwanted line) costs one or two probes.
 *
 * <p>Threading: immutable after construction, any thread.
 */
final class FamilyTable {

    private static final SampleSuffix[] DERIVED = {
        SampleSuffix.TOTAL, SampleSuffix.BUCKET, SampleSuffix.SUM, SampleSuffix.COUNT,
    };

    private final byte[][] names;
    private final int[] families;
    private final SampleSuffix[] suffixes;
    private final int[] slots; // entry index + 1; 0 = empty
    private final int mask;

    FamilyTable(List<String> wanted) {
        List<byte[]> n = new ArrayList<>();
        List<Integer> f = new ArrayList<>();
        List<SampleSuffix> s = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            n.add(wanted.get(i).getBytes(StandardCharsets.US_ASCII));
            f.add(i);
            s.add(SampleSuffix.NONE);
        }
        for (int i = 0; i < wanted.size(); i++) {
            for (SampleSuffix suffix : DERIVED) {
                byte[] derived = (wanted.get(i) + suffix.text()).getBytes(StandardCharsets.US_ASCII);
                if (n.stream().noneMatch(existing -> Arrays.equals(existing, derived))) {
                    n.add(derived);
                    f.add(i);
                    s.add(suffix);
                }
            }
        }
        names = n.toArray(byte[][]::new);
        families = f.stream().mapToInt(Integer::intValue).toArray();
        suffixes = s.toArray(SampleSuffix[]::new);
        int size = Integer.highestOneBit(Math.max(4, names.length * 4) - 1) << 1;
        slots = new int[size];
        mask = size - 1;
        for (int e = 0; e < names.length; e++) {
            int h = 0;
            for (byte c : names[e]) {
                h = step(h, c);
            }
            int slot = mix(h) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = e + 1;
        }
    }

    /** One step of the name hash; the parser folds it in while it scans a name. */
    static int step(int hash, byte c) {
        return 31 * hash + c;
    }

    /**
     * The entry for the name in bytes {@code [start, end)} whose {@link #step} hash is {@code hash}, or -1.
     */
    int find(byte[] b, int start, int end, int hash) {
        int len = end - start;
        for (int slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
            int e = slots[slot] - 1;
            if (e < 0) {
                return -1;
            }
            byte[] name = names[e];
            if (name.length == len && Arrays.equals(name, 0, len, b, start, end)) {
                return e;
            }
        }
    }

    int family(int entry) {
        return families[entry];
    }

    SampleSuffix suffix(int entry) {
        return suffixes[entry];
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }
}
