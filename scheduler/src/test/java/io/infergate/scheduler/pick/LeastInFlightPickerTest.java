package io.infergate.scheduler.pick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.scheduler.pick.PickResult.Picked;
import io.infergate.scheduler.pick.PickResult.Rejected;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastInFlightPickerTest {

    private static final String POOL = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: pool}
            spec:
              selector: {matchLabels: {app: vllm}}
              targetPorts: [{number: 8000}]
              endpointPickerRef: {name: epp, port: {number: 9002}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: epp}
            spec:
              selector: {app: epp}
              ports: [{port: 9002}]
            """;

    private static String pods(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: p").append(i)
                    .append(", labels: {app: vllm, inference.networking.k8s.io/engine-type: vllm}}\n")
                    .append("status: {podIP: 10.0.0.").append(i + 1).append("}\n");
        }
        return b.toString();
    }

    private static PoolSnapshot snapshot(int pods) {
        LoadResult r = Manifests.load("test.yaml", POOL + pods(pods));
        assertThat(r.errors()).isEmpty();
        ManifestSet set = r.manifests();
        InferencePool pool = set.inferencePools().get(0);
        return PoolSnapshot.of(set, pool);
    }

    private static final PickRequest REQUEST = PickRequest.of("req-1", "m", 0, 100);

    private static List<String> names(PickResult result) {
        assertThat(result).isInstanceOf(Picked.class);
        return ((Picked) result).endpoints().stream().map(Endpoint::name).toList();
    }

    @Test
    void snapshotCarriesEndpointsAndLabels() {
        PoolSnapshot pool = snapshot(2);
        assertThat(pool.pool()).isEqualTo(new PoolId("inference.networking.k8s.io", "default", "pool"));
        assertThat(pool.endpoints()).extracting(Endpoint::name, Endpoint::hostPort)
                .containsExactly(tuple("p0-rank-0", "10.0.0.1:8000"),
                        tuple("p1-rank-0", "10.0.0.2:8000"));
        assertThat(pool.endpoints().get(0).labels())
                .containsEntry("inference.networking.k8s.io/engine-type", "vllm");
    }

    @Test
    void ordersByInFlightFewestFirst() {
        PoolSnapshot pool = snapshot(3);
        InFlightTracker tracker = new InFlightTracker();
        List<Endpoint> e = pool.endpoints();
        tracker.acquire(e.get(0));
        tracker.acquire(e.get(0));
        tracker.acquire(e.get(2));
        SplittableRandom random = new SplittableRandom(1);
        LeastInFlightPicker picker = new LeastInFlightPicker(tracker, () -> random);
        for (int i = 0; i < 100; i++) {
            assertThat(names(picker.pick(REQUEST, pool))).containsExactly("p1-rank-0", "p2-rank-0", "p0-rank-0");
        }
    }

    @Test
    void followsLeasesAsTheyComeAndGo() {
        PoolSnapshot pool = snapshot(2);
        InFlightTracker tracker = new InFlightTracker();
        SplittableRandom random = new SplittableRandom(1);
        LeastInFlightPicker picker = new LeastInFlightPicker(tracker, () -> random);
        Lease first = tracker.acquire(((Picked) picker.pick(REQUEST, pool)).preferred());
        Endpoint second = ((Picked) picker.pick(REQUEST, pool)).preferred();
        assertThat(second).isNotEqualTo(first.endpoint());
        first.release();
        tracker.acquire(second);
        assertThat(((Picked) picker.pick(REQUEST, pool)).preferred()).isEqualTo(first.endpoint());
    }

    @Test
    void tiesAreBrokenBySeededRandom() {
        PoolSnapshot pool = snapshot(4);
        InFlightTracker tracker = new InFlightTracker();
        SplittableRandom a = new SplittableRandom(99);
        SplittableRandom b = new SplittableRandom(99);
        LeastInFlightPicker pa = new LeastInFlightPicker(tracker, () -> a);
        LeastInFlightPicker pb = new LeastInFlightPicker(tracker, () -> b);
        Map<String, Integer> firsts = new HashMap<>();
        List<List<String>> orders = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            List<String> order = names(pa.pick(REQUEST, pool));
            assertThat(names(pb.pick(REQUEST, pool))).isEqualTo(order);
            assertThat(order).containsExactlyInAnyOrder("p0-rank-0", "p1-rank-0", "p2-rank-0", "p3-rank-0");
            firsts.merge(order.get(0), 1, Integer::sum);
            if (i < 50) {
                orders.add(order);
            }
        }
        assertThat(firsts).hasSize(4);
        firsts.values().forEach(c -> assertThat(c / 20_000.0).isCloseTo(0.25, within(0.02)));
        assertThat(orders.stream().distinct().count()).isGreaterThan(10);
    }

    @Test
    void tiesAmongTheLeastLoadedOnly() {
        PoolSnapshot pool = snapshot(3);
        InFlightTracker tracker = new InFlightTracker();
        tracker.acquire(pool.endpoints().get(1));
        SplittableRandom random = new SplittableRandom(5);
        LeastInFlightPicker picker = new LeastInFlightPicker(tracker, () -> random);
        Map<String, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            List<String> order = names(picker.pick(REQUEST, pool));
            assertThat(order.get(2)).isEqualTo("p1-rank-0");
            firsts.merge(order.get(0), 1, Integer::sum);
        }
        assertThat(firsts).containsOnlyKeys("p0-rank-0", "p2-rank-0");
    }

    @Test
    void noReadyEndpointIs503() {
        PoolSnapshot pool = snapshot(0);
        assertThat(pool.isEmpty()).isTrue();
        LeastInFlightPicker picker = new LeastInFlightPicker(new InFlightTracker(), () -> new SplittableRandom(1));
        assertThat(picker.pick(REQUEST, pool)).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.httpStatus()).isEqualTo(503);
            assertThat(r.message()).isEqualTo("no ready endpoint in InferencePool default/pool");
        });
    }

    @Test
    void singleEndpointNeedsNoRandomness() {
        PoolSnapshot pool = snapshot(1);
        LeastInFlightPicker picker = new LeastInFlightPicker(new InFlightTracker(), () -> () -> {
            throw new AssertionError("drew from the generator");
        });
        assertThat(names(picker.pick(REQUEST, pool))).containsExactly("p0-rank-0");
    }
}
