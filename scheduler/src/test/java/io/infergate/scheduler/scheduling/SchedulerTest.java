package io.infergate.scheduler.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scheduler end to end on a datastore: admission, GIE's hermetic scheduling cases, prefix steering. */
class SchedulerTest {

    private static final PrefixHasher HASHER = PrefixHasher.defaults();
    private final Datastore datastore = new Datastore(e -> "vllm");
    private final InFlightTracker inFlight = new InFlightTracker();
    private final SplittableRandom random = new SplittableRandom(7);

    private Scheduler scheduler(String profile) {
        return new Scheduler(
                datastore,
                inFlight,
                BuiltInProfiles.named(profile, new PrefixIndex(), HASHER),
                UtilizationSaturationDetector.withDefaults(),
                HASHER,
                () -> Pods.NOW,
                () -> random);
    }

    private PoolSnapshot pool(List<ScrapedMetrics> metrics) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            eps.add(Pods.endpoint(i));
        }
        PoolSnapshot snapshot = new PoolSnapshot(Pods.POOL, eps);
        PoolState state = datastore.publish(snapshot);
        for (int i = 0; i < metrics.size(); i++) {
            state.slots().get(i).metrics(metrics.get(i));
        }
        return snapshot;
    }

    private static PickRequest request(String model, int priority, byte[] prompt) {
        return new PickRequest(
                "r", model, priority, prompt.length, "default-flow", "", new PromptBytes(prompt, 0, prompt.length));
    }

    private static Endpoint picked(PickResult r) {
        assertThat(r).isInstanceOf(PickResult.Picked.class);
        return ((PickResult.Picked) r).preferred();
    }

    @Test
    void anEmptyPoolIs503() {
        PickResult r = scheduler(BuiltInProfiles.GIE_V1_DEFAULT)
                .pick(request("m", 0, new byte[0]), new PoolSnapshot(Pods.POOL, List.of()));
        assertThat(r).isInstanceOf(PickResult.Rejected.class);
        assertThat(((PickResult.Rejected) r).httpStatus()).isEqualTo(503);
    }

    @Test
    void sheddableRequestsAreShedWhenSaturatedAndOthersAreNot() {
        PoolSnapshot p = pool(List.of(Pods.metrics(12, 0.9), Pods.metrics(10, 0.95), Pods.metrics(20, 0.99)));
        Scheduler s = scheduler(BuiltInProfiles.GIE_V1_DEFAULT);
        PickResult shed = s.pick(request("m", -1, new byte[0]), p);
        assertThat(shed).isInstanceOf(PickResult.Rejected.class);
        assertThat(((PickResult.Rejected) shed).httpStatus()).isEqualTo(429);
        // "do not shed requests by default": priority >= 0 goes to the lowest-loaded pod
        assertThat(picked(s.pick(request("m", 0, new byte[0]), p))).isEqualTo(Pods.endpoint(1));
        assertThat(picked(s.pick(request("m", 1, new byte[0]), p))).isEqualTo(Pods.endpoint(1));
    }

    @Test
    void staleMetricsCountAsSaturatedForSheddableTraffic() {
        ScrapedMetrics old = new ScrapedMetrics(Pods.metrics(0, 0.1).metrics(), Pods.NOW - 1_000_000_000L, null);
        PoolSnapshot p = pool(List.of(old, old.failed("scrape failed: connection refused")));
        Scheduler s = scheduler(BuiltInProfiles.GIE_V1_DEFAULT);
        assertThat(s.pick(request("m", -1, new byte[0]), p)).isInstanceOf(PickResult.Rejected.class);
        assertThat(s.pick(request("m", 0, new byte[0]), p)).isInstanceOf(PickResult.Picked.class);
    }

    @Test
    void anIdleTgiPoolShedsNothingThoughTgiExportsNoKvUsage() {
        // TGI's mapping reads only tgi_queue_size and tgi_batch_current_size: the KV usage is never known
        ScrapedMetrics idle = new ScrapedMetrics(
                new ModelServerMetrics("tgi", 0, 1, Double.NaN, null, null, -1, -1, -1, List.of()), Pods.NOW, null);
        PoolSnapshot p = pool(List.of(idle, idle));
        Scheduler s = scheduler(BuiltInProfiles.GIE_V1_DEFAULT);
        assertThat(s.pick(request("m", -1, new byte[0]), p)).isInstanceOf(PickResult.Picked.class);
        // its queue still counts: a TGI pool with deep queues is saturated
        ScrapedMetrics busy = new ScrapedMetrics(
                new ModelServerMetrics("tgi", 9, 8, Double.NaN, null, null, -1, -1, -1, List.of()), Pods.NOW, null);
        PickResult shed = s.pick(request("m", -1, new byte[0]), pool(List.of(busy, busy)));
        assertThat(shed).isInstanceOf(PickResult.Rejected.class);
        assertThat(((PickResult.Rejected) shed).httpStatus()).isEqualTo(429);
    }

    @Test
    void selectLoraDespiteHigherKvCache() {
        // GIE hermetic case: queues 10/10/10, KV 0.2/0.4/0.3, only pod 1 runs the adapter (no room elsewhere)
        PoolSnapshot p = pool(List.of(
                lora(10, 0.2, "other-a", "other-b"), lora(10, 0.4, "sql-lora"), lora(10, 0.3, "other-c", "other-d")));
        Endpoint e = picked(scheduler(BuiltInProfiles.INFERGATE_DEFAULT).pick(request("sql-lora", 0, new byte[0]), p));
        assertThat(e.hostPort()).isEqualTo("192.168.1.2:8000");
    }

    private static ScrapedMetrics lora(int queue, double kv, String... running) {
        return new ScrapedMetrics(
                new ModelServerMetrics("vllm", queue, 1, kv, Set.of(running), Set.of(), 2, 16, 1000, List.of()),
                Pods.NOW - 10_000_000L,
                null);
    }

    @Test
    void prefixHitsSteerARepeatedPromptToOneEndpointButAHotSpotIsAvoided() {
        byte[] prompt = new byte[HASHER.blockBytes() * 40];
        new SplittableRandom(3).nextBytes(prompt);
        Scheduler s = scheduler(BuiltInProfiles.GIE_V1_DEFAULT);
        PoolSnapshot idle = pool(List.of(Pods.metrics(0, 0.1), Pods.metrics(0, 0.1), Pods.metrics(0, 0.1)));
        Endpoint first = picked(s.pick(request("m", 0, prompt), idle));
        for (int i = 0; i < 5; i++) {
            assertThat(picked(s.pick(request("m", 0, prompt), idle))).isEqualTo(first);
        }
        // the same prompt for another model shares nothing
        List<ScrapedMetrics> hot =
                new ArrayList<>(List.of(Pods.metrics(0, 0.1), Pods.metrics(0, 0.1), Pods.metrics(0, 0.1)));
        int firstIndex = Integer.parseInt(first.name().substring(3, 4));
        hot.set(firstIndex, Pods.metrics(10, 0.95));
        PoolSnapshot withHotSpot = pool(hot);
        assertThat(picked(s.pick(request("m", 0, prompt), withHotSpot))).isNotEqualTo(first);
    }

    @Test
    void theFilterTreeProfilePrefersLowQueueAndLeastLoaded() {
        PoolSnapshot p = pool(
                List.of(Pods.metrics(200, 0.1), Pods.metrics(3, 0.9), Pods.metrics(2, 0.2), Pods.metrics(150, 0.0)));
        Scheduler s = scheduler(BuiltInProfiles.GIE_V0_FILTER_TREE);
        for (int i = 0; i < 20; i++) {
            assertThat(picked(s.pick(request("m", 0, new byte[0]), p))).isIn(Pods.endpoint(1), Pods.endpoint(2));
        }
    }

    @Test
    void theExplanationComesWithTheDecision() {
        PoolSnapshot p = pool(List.of(Pods.metrics(0, 0.2), Pods.metrics(5, 0.5)));
        Scheduler.Decision d = scheduler(BuiltInProfiles.GIE_V1_DEFAULT).decide(request("m", 0, new byte[0]), p);
        assertThat(d.explanation().scorers()).contains("queue-scorer");
        assertThat(d.explanation().toString()).startsWith("pod0-rank-0=3.6 (queue-scorer=1.0");
    }
}
