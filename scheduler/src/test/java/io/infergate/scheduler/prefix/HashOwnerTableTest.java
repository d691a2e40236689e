package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class HashOwnerTableTest {

    @Test
    void setClearHasAndReadOwners() {
        HashOwnerTable t = new HashOwnerTable();
        assertThat(t.set(7, 0)).isTrue();
        assertThat(t.set(7, 3)).isTrue();
        assertThat(t.set(7, 3)).isFalse();
        assertThat(t.set(8, 0)).isTrue();
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.pairs()).isEqualTo(3);
        assertThat(t.has(7, 3)).isTrue();
        assertThat(t.has(7, 1)).isFalse();

        long[] out = new long[1];
        assertThat(t.readOwners(7, out)).isEqualTo(1);
        assertThat(out[0]).isEqualTo(0b1001L);
        assertThat(t.readOwners(9, out)).isZero();

        assertThat(t.clear(7, 0)).isTrue();
        assertThat(t.clear(7, 0)).isFalse();
        assertThat(t.has(7, 3)).isTrue();
        assertThat(t.clear(7, 3)).isTrue(); // the last owner: the hash goes
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.readOwners(7, out)).isZero();
        assertThat(t.clear(99, 5)).isFalse();
        assertThat(t.clear(8, 500)).isFalse(); // beyond the width: absent, no failure
    }

    @Test
    void ownersBeyondSixtyFourWidenTheBitmapsAndKeepTheOthers() {
        HashOwnerTable t = new HashOwnerTable();
        for (long h = 0; h < 50; h++) {
            t.set(h, (int) h % 64);
        }
        t.set(3, 130);
        assertThat(t.words()).isEqualTo(3);
        for (long h = 0; h < 50; h++) {
            assertThat(t.has(h, (int) h % 64)).as("hash %d", h).isTrue();
        }
        long[] out = new long[3];
        assertThat(t.readOwners(3, out)).isEqualTo(3);
        assertThat(out).containsExactly(1L << 3, 0L, 1L << (130 - 128));
        long[] narrow = new long[1]; // a reader sized before the widening reads what fits
        assertThat(t.readOwners(3, narrow)).isEqualTo(1);
        assertThat(narrow[0]).isEqualTo(1L << 3);
    }

    @Test
    void clearingAtASlotRemovesTheOwnerAndTheHashWithItsLastOwner() {
        HashOwnerTable t = new HashOwnerTable();
        t.set(7, 3);
        t.set(7, 5);
        t.referenceIfHeld(7, 5);
        t.clearAt(t.slotHeldBy(7, 5), 5);
        assertThat(t.has(7, 5)).isFalse();
        assertThat(t.has(7, 3)).isTrue();
        t.set(7, 5);
        assertThat(t.referenced(7, 5)).isFalse(); // its reference bit left with it
        t.clearAt(t.slotHeldBy(7, 3), 3);
        t.clearAt(t.slotHeldBy(7, 5), 5);
        assertThat(t.size()).isZero();
        assertThat(t.pairs()).isZero();
        assertThat(t.readOwners(7, new long[1])).isZero();
    }

    @Test
    void referenceBitsBelongToHoldersAndNeverShowAsOwners() {
        HashOwnerTable t = new HashOwnerTable();
        assertThat(t.referenceIfHeld(7, 3)).isFalse(); // not held: nothing to mark
        t.set(7, 3);
        t.set(7, 5);
        assertThat(t.referenced(7, 3)).isFalse(); // a new owner starts unreferenced
        assertThat(t.referenceIfHeld(7, 3)).isTrue();
        assertThat(t.referenced(7, 3)).isTrue();
        assertThat(t.referenced(7, 5)).isFalse();
        long[] out = new long[1];
        assertThat(t.readOwners(7, out)).isEqualTo(1);
        assertThat(out[0]).isEqualTo((1L << 3) | (1L << 5));

        int slot = t.slotHeldBy(7, 3);
        assertThat(slot).isNotNegative();
        assertThat(t.slotHeldBy(7, 4)).isEqualTo(-1); // not an owner
        assertThat(t.slotHeldBy(8, 3)).isEqualTo(-1); // not there
        assertThat(t.clearReferenceAt(slot, 3)).isTrue(); // the second chance, used once
        assertThat(t.clearReferenceAt(slot, 3)).isFalse();
        assertThat(t.has(7, 3)).isTrue();

        t.referenceIfHeld(7, 5);
        t.clear(7, 5); // leaving clears the bit: a later owner with the same id starts unreferenced
        t.set(7, 5);
        assertThat(t.referenced(7, 5)).isFalse();

        t.referenceIfHeld(7, 3);
        t.set(9, 130); // widening keeps the reference bits in place
        assertThat(t.referenced(7, 3)).isTrue();
        assertThat(t.referenced(7, 5)).isFalse();
        assertThat(t.referenceIfHeld(9, 130)).isTrue();
        assertThat(t.referenced(9, 130)).isTrue();
        long[] wide = new long[3];
        assertThat(t.readOwners(9, wide)).isEqualTo(3);
        assertThat(wide).containsExactly(0L, 0L, 1L << (130 - 128));
    }

    /**
     * Random sets and clears over a small key space (so probe runs collide, wrap around and shift back) and growth
     * and shrinking, checked against a reference map after every few thousand steps.
     */
    @Test
    void agreesWithAReferenceMapUnderRandomOperations() {
        SplittableRandom random = new SplittableRandom(20240601);
        HashOwnerTable t = new HashOwnerTable();
        Map<Long, TreeSet<Integer>> reference = new HashMap<>();
        for (int step = 0; step < 120_000; step++) {
            boolean growing = (step / 20_000) % 2 == 0;
            long hash = random.nextInt(3_000) * 0x1000_0000_0000L + random.nextInt(3); // some share low bits
            int owner = random.nextInt(step < 60_000 ? 6 : 70); // later: wider than one word
            TreeSet<Integer> owners = reference.computeIfAbsent(hash, h -> new TreeSet<>());
            if (random.nextInt(10) < (growing ? 7 : 2)) {
                assertThat(t.set(hash, owner)).isEqualTo(owners.add(owner));
            } else {
                assertThat(t.clear(hash, owner)).isEqualTo(owners.remove(owner));
            }
            if (owners.isEmpty()) {
                reference.remove(hash);
            }
            if (step % 4_999 == 0) {
                assertSame(t, reference);
            }
        }
        assertSame(t, reference);
        for (var e : new ArrayList<>(reference.entrySet())) {
            for (int owner : e.getValue()) {
                assertThat(t.clear(e.getKey(), owner)).isTrue();
            }
        }
        assertThat(t.size()).isZero();
        assertThat(t.pairs()).isZero();
        assertThat(t.capacity()).isEqualTo(16);
    }

    /** Plain comparisons collected into one assertion: AssertJ per pair would dominate the run time. */
    private static void assertSame(HashOwnerTable t, Map<Long, TreeSet<Integer>> reference) {
        assertThat(t.size()).isEqualTo(reference.size());
        assertThat(t.size() * 3L).isLessThanOrEqualTo(t.capacity() * 2L);
        List<String> problems = new ArrayList<>();
        long[] out = new long[t.words()];
        long expectedPairs = 0;
        for (var e : reference.entrySet()) {
            expectedPairs += e.getValue().size();
            Arrays.fill(out, 0);
            t.readOwners(e.getKey(), out);
            TreeSet<Integer> read = new TreeSet<>();
            for (int w = 0; w < out.length; w++) {
                for (long bits = out[w]; bits != 0; bits &= bits - 1) {
                    read.add(w * 64 + Long.numberOfTrailingZeros(bits));
                }
            }
            if (!read.equals(e.getValue())) {
                problems.add("hash " + e.getKey() + ": " + read + ", expected " + e.getValue());
            }
        }
        long[] visited = new long[1];
        t.forEach((hash, owner) -> {
            TreeSet<Integer> owners = reference.get(hash);
            if (owners == null || !owners.contains(owner)) {
                problems.add("unexpected pair (" + hash + ", " + owner + ")");
            }
            visited[0]++;
        });
        assertThat(problems).isEmpty();
        assertThat(t.pairs()).isEqualTo(expectedPairs);
        assertThat(visited[0]).isEqualTo(expectedPairs);
    }
}
