package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.prefix.PrefixIndex.AddOrder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PrefixIndexTest {

    static Endpoint endpoint(int i) {
        return Endpoint.of(new PoolEndpoint("p" + i + "-rank-0", "p" + i, "10.0.0." + i, 8000, 0), Map.of());
    }

    private static final Endpoint A = endpoint(1);
    private static final Endpoint B = endpoint(2);
    private static final Endpoint C = endpoint(3);

    private static long[] hashes(long... h) {
        return h;
    }

    private static long[] range(long from, long toExclusive) {
        return LongStream.range(from, toExclusive).toArray();
    }

    @Test
    void anEmptyIndexMatchesNothing() {
        PrefixIndex index = new PrefixIndex();
        assertThat(index.matchLengths(hashes(1, 2, 3), List.of(A, B))).containsExactly(0, 0);
        assertThat(index.matchLengths(new long[0], List.of(A))).containsExactly(0);
        assertThat(index.matchLengths(hashes(1), List.of())).isEmpty();
        assertThat(index.size()).isZero();
        assertThat(index.endpointCount()).isZero();
    }

    @Test
    void countsTheGreedyLongestPrefixPerCandidate() {
        PrefixIndex index = new PrefixIndex();
        index.add(A, hashes(1, 2));
        index.add(B, hashes(1, 2, 3));
        assertThat(index.matchLengths(hashes(1, 2, 3, 4), List.of(A, B, C))).containsExactly(2, 3, 0);
        assertThat(index.matchLengths(hashes(9, 1, 2), List.of(A, B))).containsExactly(0, 0);
        index.checkInvariants();
    }

    @Test
    void theWalkStopsAtTheFirstHashNoEndpointHolds() {
        PrefixIndex index = new PrefixIndex();
        index.add(A, hashes(1, 2, 4, 5));
        // hash 3 is unknown: A's later blocks 4 and 5 do not count
        assertThat(index.matchLengths(hashes(1, 2, 3, 4, 5), List.of(A))).containsExactly(2);
    }

    @Test
    void everyHolderOfAHashGetsOneWhileTheWalkGoesOnAsInGie() {
        PrefixIndex index = new PrefixIndex();
        index.add(A, hashes(1, 2, 3));
        index.add(B, hashes(2, 3)); // B lacks block 1, but A keeps the walk going
        assertThat(index.matchLengths(hashes(1, 2, 3), List.of(A, B))).containsExactly(3, 2);
        // C is no candidate, yet its block 1 keeps the walk going for B
        PrefixIndex other = new PrefixIndex();
        other.add(C, hashes(1));
        other.add(B, hashes(2));
        assertThat(other.matchLengths(hashes(1, 2), List.of(B))).containsExactly(1);
    }

    @Test
    void addingAgainTouchesInsteadOfDuplicating() {
        PrefixIndex index = new PrefixIndex();
        index.add(A, hashes(1, 2, 3));
        index.add(A, hashes(1, 2, 3, 4));
        assertThat(index.size()).isEqualTo(4);
        assertThat(index.size(A.hostPort())).isEqualTo(4);
        index.checkInvariants();
    }

    @Test
    void lruEvictionAtCapacityRemovesTheEndpointFromTheHash() {
        PrefixIndex index = new PrefixIndex(3, AddOrder.PROMPT_ORDER);
        index.add(A, hashes(1, 2, 3));
        index.add(B, hashes(1));
        index.add(A, hashes(4)); // evicts A's least recent: 1
        assertThat(index.size(A.hostPort())).isEqualTo(3);
        assertThat(index.matchLengths(hashes(1), List.of(A, B))).containsExactly(0, 1);
        assertThat(index.matchLengths(hashes(1, 2, 3, 4), List.of(A, B))).containsExactly(3, 1);

        index.add(A, hashes(2)); // touch 2: now 3 is least recent
        index.add(A, hashes(5));
        assertThat(index.matchLengths(hashes(2), List.of(A))).containsExactly(1);
        assertThat(index.matchLengths(hashes(3), List.of(A))).containsExactly(0);
        assertThat(index.size()).isEqualTo(4); // A: 4, 2, 5; B: 1
        index.checkInvariants();
    }

    @Test
    void theClockGivesAHashSentAgainASecondChance() {
        PrefixIndex index = new PrefixIndex(4, AddOrder.PROMPT_ORDER);
        index.add(A, hashes(1, 2, 3, 4));
        index.add(A, hashes(1, 3)); // referenced: the hand passes them once
        index.add(A, hashes(5)); // the hand: 1 referenced (back), 2 evicted
        assertThat(index.hashesOldestFirst(A.hostPort())).containsExactly(3, 4, 1, 5);
        index.add(A, hashes(6)); // 3 referenced (back), 4 evicted
        assertThat(index.hashesOldestFirst(A.hostPort())).containsExactly(1, 5, 3, 6);
        index.add(A, hashes(7)); // 1 lost its bit on the last pass: evicted now
        assertThat(index.hashesOldestFirst(A.hostPort())).containsExactly(5, 3, 6, 7);
        assertThat(index.matchLengths(hashes(1), List.of(A))).containsExactly(0);
        index.checkInvariants();
    }

    @Test
    void whenEveryHashWasSentAgainTheHandGoesRoundOnceAndEvictsTheOldest() {
        PrefixIndex index = new PrefixIndex(3, AddOrder.PROMPT_ORDER);
        index.add(A, hashes(1, 2, 3));
        index.add(A, hashes(1, 2, 3));
        index.add(A, hashes(4));
        assertThat(index.hashesOldestFirst(A.hostPort())).containsExactly(2, 3, 4);
        index.checkInvariants();
    }

    @Test
    void addOrderDecidesWhichBlocksOfOneRequestSurviveAFullLru() {
        PrefixIndex gie = new PrefixIndex(2, AddOrder.PROMPT_ORDER);
        gie.add(A, hashes(1, 2, 3));
        // GIE's order keeps the last blocks, which the walk can never reach without block 1
        assertThat(gie.matchLengths(hashes(1, 2, 3), List.of(A))).containsExactly(0);
        assertThat(gie.matchLengths(hashes(2, 3), List.of(A))).containsExactly(2);

        PrefixIndex tailFirst = new PrefixIndex(2, AddOrder.TAIL_FIRST);
        tailFirst.add(A, hashes(1, 2, 3));
        assertThat(tailFirst.matchLengths(hashes(1, 2, 3), List.of(A))).containsExactly(2);
        tailFirst.checkInvariants();
    }

    @Test
    void capacityComesFromNumGpuBlocksWhenKnown() {
        PrefixIndex index = new PrefixIndex(100, AddOrder.PROMPT_ORDER);
        assertThat(index.capacity(A.hostPort())).isEqualTo(100);
        index.setCapacity(A, 5);
        assertThat(index.capacity(A.hostPort())).isEqualTo(5);
        index.add(A, range(0, 8));
        index.add(B, range(0, 8));
        assertThat(index.size(A.hostPort())).isEqualTo(5);
        assertThat(index.size(B.hostPort())).isEqualTo(8);
        assertThat(index.matchLengths(range(3, 8), List.of(A))).containsExactly(5);

        index.setCapacity(A, 0); // metric gone: back to the default
        assertThat(index.capacity(A.hostPort())).isEqualTo(100);
        index.add(A, range(8, 20));
        assertThat(index.size(A.hostPort())).isEqualTo(17);
        index.checkInvariants();
    }

    @Test
    void loweringTheCapacityEvictsTheLeastRecentAtOnce() {
        PrefixIndex index = new PrefixIndex();
        index.add(A, range(0, 3 * PrefixIndex.BATCH + 7)); // several purge batches
        index.setCapacity(A, 10);
        assertThat(index.size(A.hostPort())).isEqualTo(10);
        long last = 3 * PrefixIndex.BATCH + 7;
        assertThat(index.matchLengths(range(last - 10, last), List.of(A))).containsExactly(10);
        assertThat(index.matchLengths(range(last - 11, last), List.of(A))).containsExactly(0);
        index.checkInvariants();
    }

    @Test
    void removeEndpointAndRetainOnlyPurgeEntries() {
        PrefixIndex index = new PrefixIndex();
        index.add(A, range(0, 2000));
        index.add(B, range(0, 10));
        index.add(C, range(0, 10));
        assertThat(index.size()).isEqualTo(2020);
        assertThat(index.endpointCount()).isEqualTo(3);

        index.removeEndpoint(A.hostPort());
        index.removeEndpoint("10.9.9.9:8000"); // unknown: no-op
        assertThat(index.size()).isEqualTo(20);
        assertThat(index.matchLengths(range(0, 10), List.of(A, B))).containsExactly(0, 10);
        index.checkInvariants();

        index.retainOnly(Set.of(C.hostPort()));
        assertThat(index.endpointCount()).isEqualTo(1);
        assertThat(index.size()).isEqualTo(10);
        assertThat(index.matchLengths(range(0, 10), List.of(B, C))).containsExactly(0, 10);
        index.checkInvariants();

        index.add(A, range(100, 105)); // comes back with a fresh (reused) id and nothing of its past
        assertThat(index.matchLengths(range(0, 10), List.of(A, C))).containsExactly(0, 10);
        assertThat(index.matchLengths(range(100, 105), List.of(A, C))).containsExactly(5, 0);
        index.checkInvariants();

        index.retainOnly(Set.of());
        assertThat(index.size()).isZero();
        assertThat(index.endpointCount()).isZero();
        index.checkInvariants();
    }

    @Test
    void endpointsAreKeyedByAddress() {
        PrefixIndex index = new PrefixIndex();
        index.add(A, hashes(1, 2));
        Endpoint renamed = Endpoint.of(new PoolEndpoint("other-rank-0", "other", "10.0.0.1", 8000, 0), Map.of());
        Endpoint otherRank = Endpoint.of(new PoolEndpoint("p1-rank-1", "p1", "10.0.0.1", 8001, 1), Map.of());
        assertThat(index.matchLengths(hashes(1, 2), List.of(renamed, otherRank)))
                .containsExactly(2, 0);
    }

    @Test
    void sizeIsBoundedByTheCapacities() {
        PrefixIndex index = new PrefixIndex(50, AddOrder.TAIL_FIRST);
        for (int round = 0; round < 20; round++) {
            index.add(A, range(round * 30L, round * 30L + 30));
            index.add(B, range(round * 7L, round * 7L + 60));
        }
        assertThat(index.size()).isEqualTo(100);
        index.checkInvariants();
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> new PrefixIndex(0, AddOrder.PROMPT_ORDER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultCapacity: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new PrefixIndex(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PrefixIndex().add(A, null)).isInstanceOf(NullPointerException.class);
    }
}
