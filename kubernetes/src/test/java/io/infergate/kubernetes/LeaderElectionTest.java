package io.infergate.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

    private static LeaderElection.Settings settings(String identity) {
        return LeaderElection.Settings.of("infergate-system", "infergate-test").withIdentity(identity)
                .withDurations(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(100));
    }

    @Test
    void exactlyOneOfTwoLeadsAndTheOtherTakesOverOnRelease() {
        try (MockCluster c = new MockCluster()) {
            AtomicInteger startsA = new AtomicInteger();
            AtomicInteger startsB = new AtomicInteger();
            AtomicInteger stopsA = new AtomicInteger();
            LeaderElection a = new LeaderElection(c.client, settings("replica-a"), startsA::incrementAndGet,
                    stopsA::incrementAndGet);
            LeaderElection b = new LeaderElection(c.client, settings("replica-b"), startsB::incrementAndGet, () -> { });
            try (a; b) {
                a.start();
                await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
                b.start();
                // b keeps retrying every 100 ms; for the length of a lease it must never lead while a holds it
                await().during(Duration.ofMillis(1600)).atMost(Duration.ofSeconds(3))
                        .until(() -> a.isLeader() && !b.isLeader());
                assertThat(c.client.leases().inNamespace("infergate-system").withName("infergate-test").get()
                        .getSpec().getHolderIdentity()).isEqualTo("replica-a");

                a.close(); // releases the lease
                assertThat(a.isLeader()).isFalse();
                assertThat(stopsA.get()).isEqualTo(1);
                await().atMost(Duration.ofSeconds(8)).until(b::isLeader);
                assertThat(startsA.get()).isEqualTo(1);
                assertThat(startsB.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void clusterModeIsReadyOnlyWhenSyncedAndLeading() throws Exception {
        try (MockCluster c = new MockCluster()) {
            ClusterMode first = ClusterMode.builder(WatchScope.forPicker("ml", "pool", "inference.networking.k8s.io"))
                    .client(c.client).leaderElection(settings("epp-1")).build();
            ClusterMode second = ClusterMode.builder(WatchScope.forPicker("ml", "pool", "inference.networking.k8s.io"))
                    .client(c.client).leaderElection(settings("epp-2")).build();
            try (first; second) {
                first.start().get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(5)).until(first::isReady);
                second.start().get(10, TimeUnit.SECONDS);
                assertThat(second.hasSynced()).isTrue();
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> first.isReady() && !second.isReady());
                first.close();
                await().atMost(Duration.ofSeconds(8)).until(second::isReady);
            }
        }
    }

    @Test
    void withoutLeaderElectionEveryReplicaLeads() throws Exception {
        try (MockCluster c = new MockCluster(List.of("/apis/inference.networking.x-k8s.io/"))) {
            try (ClusterMode mode = ClusterMode.builder(WatchScope.forServe(Optional.of("ml"))).client(c.client)
                    .build()) {
                assertThat(mode.isLeader()).isTrue();
                assertThat(mode.isReady()).isFalse();
                mode.start().get(10, TimeUnit.SECONDS);
                assertThat(mode.isReady()).isTrue();
            }
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> settings("x").withDurations(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofMillis(100))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: lease > renew deadline > retry period > 0");
        assertThatThrownBy(() -> LeaderElection.Settings.of("", "name")).isInstanceOf(IllegalArgumentException.class);
    }
}
