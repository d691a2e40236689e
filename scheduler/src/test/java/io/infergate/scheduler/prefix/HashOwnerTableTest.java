package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashOwnerTableTest {

    private record Pair(long hash, int owner) {
    }

    @Test
    void findInsertRemoveAndCount() {
        HashOwnerTable t = new HashOwnerTable();
        t.insert(7, 0, 100);
        t.insert(7, 3, 101);
        t.insert(8, 0, 102);
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.node(t.find(7, 3))).isEqualTo(101);
        assertThat(t.find(7, 1)).isEqualTo(-1);

        int[] owners = new int[2];
        assertThat(t.collectOwners(7, owners)).isEqualTo(2);
        assertThat(owners).containsExactlyInAnyOrder(0, 3);
        int[] one = new int[1]; // more owners than room: all counted, as many as fit written
        assertThat(t.collectOwners(7, one)).isEqualTo(2);
        assertThat(one[0]).isIn(0, 3);
        assertThat(t.collectOwners(9, owners)).isZero();

        assertThat(t.remove(7, 0)).isTrue();
        assertThat(t.remove(7, 0)).isFalse();
        assertThat(t.find(7, 3)).isNotNegative();
        assertThat(t.size()).isEqualTo(2);
    }

    /**
     * Random inserts and removals over a small key space (so probe runs collide, wrap around and shift back) and
     * growth and shrinking, checked against a HashMap after every step.
     */
    @Test
    void agreesWithAReferenceMapUnderRandomOperations() {
        SplittableRandom random = new SplittableRandom(20240601);
        HashOwnerTable t = new HashOwnerTable();
        Map<Pair, Integer> reference = new HashMap<>();
        int node = 0;
        for (int step = 0; step < 120_000; step++) {
            // phases: grow to a few thousand pairs, shrink to almost nothing, repeat
            boolean growing = (step / 20_000) % 2 == 0;
            long hash = random.nextInt(3_000) * 0x1000_0000_0000L + random.nextInt(3); // some share low bits
            int owner = random.nextInt(6);
            Pair p = new Pair(hash, owner);
            if (random.nextInt(10) < (growing ? 7 : 2)) {
                if (!reference.containsKey(p)) {
                    t.insert(hash, owner, node);
                    reference.put(p, node++);
                }
            } else {
                assertThat(t.remove(hash, owner)).isEqualTo(reference.remove(p) != null);
            }
            if (step % 4_999 == 0) {
                assertSame(t, reference);
            }
        }
        assertSame(t, reference);
        for (Pair p : reference.keySet().toArray(Pair[]::new)) {
            assertThat(t.remove(p.hash(), p.owner())).isTrue();
        }
        assertThat(t.size()).isZero();
        assertThat(t.capacity()).isEqualTo(16);
    }

    /** Plain comparisons collected into one assertion: AssertJ per pair would dominate the run time. */
    private static void assertSame(HashOwnerTable t, Map<Pair, Integer> reference) {
        assertThat(t.size()).isEqualTo(reference.size());
        assertThat(t.size() * 3L).isLessThanOrEqualTo(t.capacity() * 2L);
        List<String> problems = new ArrayList<>();
        Map<Long, Integer> owners = new HashMap<>();
        for (Map.Entry<Pair, Integer> e : reference.entrySet()) {
            int slot = t.find(e.getKey().hash(), e.getKey().owner());
            if (slot < 0 || t.node(slot) != e.getValue()) {
                problems.add("lost or wrong node: " + e);
            }
            owners.merge(e.getKey().hash(), 1, Integer::sum);
        }
        for (Map.Entry<Long, Integer> e : owners.entrySet()) {
            int counted = t.collectOwners(e.getKey(), new int[6]);
            if (counted != e.getValue()) {
                problems.add("hash " + e.getKey() + " has " + counted + " owners, expected " + e.getValue());
            }
        }
        int[] pairs = new int[1];
        t.forEach((hash, owner, node) -> {
            Integer expected = reference.get(new Pair(hash, owner));
            if (expected == null || expected != node) {
                problems.add("unexpected pair (" + hash + ", " + owner + ") -> " + node);
            }
            pairs[0]++;
        });
        assertThat(problems).isEmpty();
        assertThat(pairs[0]).isEqualTo(reference.size());
    }
}
