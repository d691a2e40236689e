package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.prefix.PrefixIndex.AddOrder;
import io.infergate.testing.Patience;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PrefixIndexConcurrencyTest {

    private static final int ENDPOINTS = 8;
    private static final int MAX_CAPACITY = 300;
    private static final int ROUNDS = 10_000;

    /** Conversation c, blocks 0..n: shared leading blocks across requests of the same conversation. */
    private static long[] conversation(int c, int blocks) {
        return LongStream.range(0, blocks).map(i -> ((long) c << 32) | i).toArray();
    }

    @Test
    void concurrentAddsMatchesCapacityChangesAndPurgesKeepTheIndexConsistent() throws Exception {
        PrefixIndex index = new PrefixIndex(MAX_CAPACITY, AddOrder.TAIL_FIRST);
        List<Endpoint> all = IntStream.rangeClosed(1, ENDPOINTS)
                .mapToObj(PrefixIndexTest::endpoint)
                .toList();
        Set<String> allKeys = all.stream().map(Endpoint::hostPort).collect(Collectors.toSet());
        long bound = (long) ENDPOINTS * MAX_CAPACITY;

        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            SplittableRandom random = new SplittableRandom(1000 + w);
            tasks.add(() -> {
                start.await();
                for (int i = 0; i < ROUNDS; i++) {
                    index.add(
                            all.get(random.nextInt(ENDPOINTS)),
                            conversation(random.nextInt(40), random.nextInt(1, 80)));
                }
                return null;
            });
        }
        for (int r = 0; r < 3; r++) {
            SplittableRandom random = new SplittableRandom(2000 + r);
            tasks.add(() -> {
                start.await();
                for (int i = 0; i < ROUNDS; i++) {
                    long[] hashes = conversation(random.nextInt(40), random.nextInt(0, 100));
                    int[] matches = index.matchLengths(hashes, all);
                    assertThat(matches).hasSize(ENDPOINTS);
                    for (int m : matches) {
                        assertThat(m).isBetween(0, hashes.length);
                    }
                    assertThat(index.size()).isBetween(0L, bound);
                }
                return null;
            });
        }
        SplittableRandom churn = new SplittableRandom(3000);
        tasks.add(() -> {
            start.await();
            for (int i = 0; i < ROUNDS / 20; i++) {
                switch (churn.nextInt(4)) {
                    case 0 ->
                        index.retainOnly(
                                Set.of(all.get(0).hostPort(), all.get(1).hostPort()));
                    case 1 -> index.retainOnly(allKeys);
                    case 2 ->
                        index.removeEndpoint(all.get(churn.nextInt(ENDPOINTS)).hostPort());
                    default -> index.setCapacity(all.get(churn.nextInt(ENDPOINTS)), churn.nextInt(0, MAX_CAPACITY + 1));
                }
                assertThat(index.size()).isBetween(0L, bound);
            }
            return null;
        });

        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Void> f : futures) {
                f.get(Patience.SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        index.checkInvariants();
        assertThat(index.size()).isBetween(0L, bound);
        for (Endpoint e : all) {
            assertThat(index.size(e.hostPort())).isLessThanOrEqualTo(index.capacity(e.hostPort()));
        }

        // still fully usable afterwards
        index.retainOnly(Set.of());
        assertThat(index.size()).isZero();
        index.add(all.get(0), conversation(99, 10));
        assertThat(index.matchLengths(conversation(99, 12), all)).containsExactly(10, 0, 0, 0, 0, 0, 0, 0);
        index.checkInvariants();
    }
}
