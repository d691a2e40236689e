package io.infergate.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.testing.Patience;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

    /**
     * Long enough that a leader on a machine at load 10 never misses its renew deadline (a lost lease would let the
     * other replica lead and fail the test); takeover does not wait for it, since closing releases the lease.
     */
    private static final Duration LEASE = Duration.ofSeconds(20);

    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(15);
    /** Short, so that the passive replica tries to take the lease many times while the test watches it fail. */
    private static final Duration RETRY = Duration.ofMillis(100);
    /**
     * How long the test watches the passive replica not lead. Only a false pass can come of it being short (a
     * replica that would wrongly take the lease later goes unseen), never a false failure.
     */
    private static final Duration WATCH_PASSIVE = Duration.ofSeconds(1);

    private static LeaderElection.Settings settings(String identity) {
        return LeaderElection.Settings.of("infergate-system", "infergate-test")
                .withIdentity(identity)
                .withDurations(LEASE, RENEW_DEADLINE, RETRY);
    }

    @Test
    void exactlyOneOfTwoLeadsAndTheOtherTakesOverOnRelease() {
        try (MockCluster c = new MockCluster()) {
            AtomicInteger startsA = new AtomicInteger();
            AtomicInteger startsB = new AtomicInteger();
            AtomicInteger stopsA = new AtomicInteger();
            LeaderElection a = new LeaderElection(
                    c.client, settings("replica-a"), startsA::incrementAndGet, stopsA::incrementAndGet);
            LeaderElection b = new LeaderElection(c.client, settings("replica-b"), startsB::incrementAndGet, () -> {});
            try (a;
                    b) {
                a.start();
                await().until(a::isLeader);
                b.start();
                // b keeps retrying every RETRY; it must never lead while a holds the lease
                await().during(WATCH_PASSIVE).until(() -> a.isLeader() && !b.isLeader());
                assertThat(c.client
                                .leases()
                                .inNamespace("infergate-system")
                                .withName("infergate-test")
                                .get()
                                .getSpec()
                                .getHolderIdentity())
                        .isEqualTo("replica-a");

                a.close(); // releases the lease: b takes over at its next retry, not when the lease expires
                assertThat(a.isLeader()).isFalse();
                assertThat(stopsA.get()).isEqualTo(1);
                await().until(b::isLeader);
                assertThat(startsA.get()).isEqualTo(1);
                assertThat(startsB.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void clusterModeIsReadyOnlyWhenSyncedAndLeading() throws Exception {
        try (MockCluster c = new MockCluster()) {
            ClusterMode first = ClusterMode.builder(WatchScope.forPicker("ml", "pool", "inference.networking.k8s.io"))
                    .client(c.client)
                    .leaderElection(settings("epp-1"))
                    .build();
            ClusterMode second = ClusterMode.builder(WatchScope.forPicker("ml", "pool", "inference.networking.k8s.io"))
                    .client(c.client)
                    .leaderElection(settings("epp-2"))
                    .build();
            try (first;
                    second) {
                first.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                await().until(first::isReady);
                second.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                assertThat(second.hasSynced()).isTrue();
                await().during(WATCH_PASSIVE).until(() -> first.isReady() && !second.isReady());
                first.close();
                await().until(second::isReady);
            }
        }
    }

    @Test
    void withoutLeaderElectionEveryReplicaLeads() throws Exception {
        try (MockCluster c = new MockCluster(List.of("/apis/inference.networking.x-k8s.io/"))) {
            try (ClusterMode mode = ClusterMode.builder(WatchScope.forServe(Optional.of("ml")))
                    .client(c.client)
                    .build()) {
                assertThat(mode.isLeader()).isTrue();
                assertThat(mode.isReady()).isFalse();
                mode.start().get(Patience.SECONDS, TimeUnit.SECONDS);
                assertThat(mode.isReady()).isTrue();
            }
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> settings("x")
                        .withDurations(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: lease > renew deadline > retry period > 0");
        assertThatThrownBy(() -> LeaderElection.Settings.of("", "name")).isInstanceOf(IllegalArgumentException.class);
    }
}
