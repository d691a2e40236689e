package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.scheduler.pick.Endpoint;
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
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
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
        learner.execute(() -> {
            blocking.countDown();
            awaitQuietly(release);
        });
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue(); // the thread is busy, the queue empty
        learner.execute(() -> { }); // fills the one slot
        assertThatThrownBy(() -> learner.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);

        PrefixIndex index = new PrefixIndex(learner);
        index.learn(B, new long[] {7, 8});
        assertThat(index.droppedUpdates()).isEqualTo(1);
        assertThat(learner.rejected()).isEqualTo(2);
        release.countDown();
        learner.close(); // runs what is queued, then stops
        assertThat(learner.completed()).isEqualTo(2);
        assertThat(index.matchLengths(new long[] {7, 8}, List.of(A, B))).containsExactly(0, 0); // dropped
    }

    @Test
    void aClosedLearnerRefusesAndLearnDropsTheUpdate() {
        BackgroundLearner learner = new BackgroundLearner(4, "test-learner");
        learner.close();
        learner.close(); // idempotent
        assertThatThrownBy(() -> learner.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
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
            assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void badCapacityIsRejected() {
        assertThatThrownBy(() -> new BackgroundLearner(0, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
