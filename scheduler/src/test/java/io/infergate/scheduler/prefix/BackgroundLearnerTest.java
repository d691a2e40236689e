package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.scheduler.pick.Endpoint;
import io.infergate.testing.Patience;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundLearnerTest {

    private static final Endpoint A = PrefixIndexTest.endpoint(1);
    private static final Endpoint B = PrefixIndexTest.endpoint(2);

    @Test
    void learnAddsOnTheLearnerThreadAndTheIndexSeesItAfterwards() throws Exception {
        try (BackgroundLearner learner = new BackgroundLearner()) {
            PrefixIndex index = new PrefixIndex(learner);
            index.learn(A, new long[] {1, 2, 3});
            // a marker task queued after the add runs after it: once it ran, the add is visible
            CountDownLatch done = new CountDownLatch(1);
            learner.execute(done::countDown);
            assertThat(done.await(Patience.SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(index.matchLengths(new long[] {1, 2, 3}, List.of(A, B))).containsExactly(3, 0);
            assertThat(learner.completed()).isGreaterThanOrEqualTo(1);
            assertThat(learner.rejected()).isZero();
        }
    }

    @Test
    void aFullQueueDropsTheUpdateAndCountsItInsteadOfAddingOnTheCaller() throws Exception {
        BackgroundLearner learner = new BackgroundLearner(1, "test-learner");
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            learner.execute(() -> {
                blocking.countDown();
                awaitQuietly(release); // held until the test says so, however slowly the test runs
            });
            // the thread is busy, the queue empty
            assertThat(blocking.await(Patience.SECONDS, TimeUnit.SECONDS)).isTrue();
            learner.execute(() -> {}); // fills the one slot
            assertThatThrownBy(() -> learner.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);

            PrefixIndex index = new PrefixIndex(learner);
            index.learn(B, new long[] {7, 8});
            assertThat(index.droppedUpdates()).isEqualTo(1);
            assertThat(learner.rejected()).isEqualTo(2);
            release.countDown();
            learner.close(); // runs what is queued, then stops
            // close() waits only a second for the thread, which a loaded machine may not give it; what was queued
            // before close() still runs (the stop marker is behind it), so wait for it rather than for close()
            await().until(learner::completed, c -> c == 2);
            assertThat(index.matchLengths(new long[] {7, 8}, List.of(A, B))).containsExactly(0, 0); // dropped
        } finally {
            release.countDown();
            learner.close();
        }
    }

    @Test
    void aClosedLearnerRefusesAndLearnDropsTheUpdate() {
        BackgroundLearner learner = new BackgroundLearner(4, "test-learner");
        learner.close();
        learner.close(); // idempotent
        assertThatThrownBy(() -> learner.execute(() -> {}))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("closed");
        PrefixIndex index = new PrefixIndex(learner);
        index.learn(A, new long[] {5});
        assertThat(index.droppedUpdates()).isEqualTo(1);
        assertThat(index.matchLengths(new long[] {5}, List.of(A))).containsExactly(0);
    }

    @Test
    void aFailingTaskDoesNotStopTheThread() throws Exception {
        try (BackgroundLearner learner = new BackgroundLearner(4, "test-learner")) {
            learner.execute(() -> {
                throw new IllegalStateException("boom (expected by the test)");
            });
            CountDownLatch after = new CountDownLatch(1);
            learner.execute(after::countDown);
            assertThat(after.await(Patience.SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void badCapacityIsRejected() {
        assertThatThrownBy(() -> new BackgroundLearner(0, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(Patience.SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
