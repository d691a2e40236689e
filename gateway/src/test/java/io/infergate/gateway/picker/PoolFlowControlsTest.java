package io.infergate.gateway.picker;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.admission.FlowKey;
import io.infergate.scheduler.admission.Outcome;
import io.infergate.scheduler.admission.RejectReason;
import io.infergate.scheduler.admission.Ticket;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.InFlightTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control per pool from its EndpointPickerConfig (feature gate {@code flowControl}) or its annotation, driven
 * with a fake clock and hand-set endpoint metrics: limits, TTL and saturation thresholds of the configuration, and
 * reloads that replace a controller without losing what it holds.
 */
class PoolFlowControlsTest {

    private static final long MS = 1_000_000L;

    private static final String POOL = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata:
              name: pool
              annotations: {%s}
            spec:
              selector: {matchLabels: {app: m}}
              targetPorts: [{number: 8000}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: a, labels: {app: m}}
            status: {podIP: 10.0.0.1}
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha1
            kind: EndpointPickerConfig
            metadata: {name: epc}
            featureGates: [flowControl]
            plugins:
            - type: queue-scorer
            - type: utilization-detector
              parameters: {queueDepthThreshold: %d}
            flowControl:
              defaultRequestTTL: 2s
              priorityBands:
              - {priority: 0, maxRequests: %d}
            """;

    private final AtomicLong clock = new AtomicLong(100_000 * MS);
    private final Datastore datastore = new Datastore();
    private final InFlightTracker inFlight = new InFlightTracker();
    private final PoolPickers pickers = new PoolPickers(
            datastore, inFlight, SchedulingOptions.defaults(), clock::get, () -> new SplittableRandom(1));
    private final PoolFlowControls flows = new PoolFlowControls(
            datastore, inFlight, SchedulingOptions.defaults().flowControl(), clock::get);

    @AfterEach
    void close() {
        flows.close();
    }

    private static GatewayConfig compile(String annotations, int queueDepthThreshold, int bandMaxRequests) {
        LoadResult r = Manifests.load("pool.yaml", POOL.formatted(annotations, queueDepthThreshold, bandMaxRequests));
        assertThat(r.errors()).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    private PoolRuntime serve(GatewayConfig config) {
        pickers.update(config); // publishes the endpoints, as the gateway does first
        flows.update(config);
        return config.pools().get(0);
    }

    /** Pod a's scraped waiting queue (KV usage 0.1), read now. */
    private void queue(PoolRuntime pool, int waiting) {
        datastore
                .state(pool.id())
                .slots()
                .get(0)
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics("vllm", waiting, 0, 0.1, Set.of(), Set.of(), 4, 16, 1000, List.of()),
                        clock.get(),
                        null));
    }

    private static Ticket<Object> enqueue(FlowController<Object> c, int priority) {
        return c.enqueue(FlowKey.of("tenant", priority), 100, null, Runnable::run);
    }

    private static Outcome outcome(Ticket<Object> t) {
        assertThat(t.isDone()).isTrue();
        return t.outcome().toCompletableFuture().join();
    }

    @Test
    void theConfigurationsBandLimitIsInForceAndOverItIs429() {
        PoolRuntime pool = serve(compile("infergate.io/scheduling-profile: epc", 5, 1));
        assertThat(pool.flowControl()).isTrue();
        FlowController<Object> c = flows.controller(pool.id());
        assertThat(c.config().band(0).maxRequests()).isEqualTo(1);
        assertThat(c.config().requestTtl()).isEqualTo(Duration.ofSeconds(2));

        // never scraped: saturated, so the first request waits and the band (maxRequests 1) is full
        Ticket<Object> waiting = enqueue(c, 0);
        assertThat(waiting.isDone()).isFalse();
        Outcome over = outcome(enqueue(c, 0));
        assertThat(over).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.BAND_MAX_REQUESTS);
            assertThat(r.httpStatus()).isEqualTo(429);
        });
        // another band is not limited
        assertThat(enqueue(c, 1).isDone()).isFalse();

        queue(pool, 0);
        flows.pokeAll();
        assertThat(outcome(waiting)).isInstanceOf(Outcome.Dispatched.class);
    }

    @Test
    void aRequestThatWaitsPastTheConfigurationsTtlExpiresWith503() {
        PoolRuntime pool = serve(compile("infergate.io/scheduling-profile: epc", 5, 0));
        Ticket<Object> t = enqueue(flows.controller(pool.id()), 0);
        clock.addAndGet(1_999 * MS);
        flows.sweepAll();
        assertThat(t.isDone()).isFalse();
        clock.addAndGet(MS);
        flows.sweepAll();
        assertThat(outcome(t))
                .isInstanceOfSatisfying(
                        Outcome.Expired.class, e -> assertThat(e.httpStatus()).isEqualTo(503));
    }

    @Test
    void theConfigurationsSaturationThresholdsGateDispatch() {
        PoolRuntime strict = serve(compile("infergate.io/scheduling-profile: epc", 2, 0));
        queue(strict, 3); // 3/2 >= 1: saturated with queueDepthThreshold 2
        Ticket<Object> held = enqueue(flows.controller(strict.id()), 0);
        flows.pokeAll();
        assertThat(held.isDone()).isFalse();

        // 3/8 < 1: capacity with queueDepthThreshold 8, also for what the replaced controller holds
        PoolRuntime lenient = serve(compile("infergate.io/scheduling-profile: epc", 8, 0));
        flows.pokeAll();
        assertThat(outcome(held)).isInstanceOf(Outcome.Dispatched.class);
        assertThat(outcome(enqueue(flows.controller(lenient.id()), 0))).isInstanceOf(Outcome.Dispatched.class);
    }

    @Test
    void theAnnotationAloneUsesTheGatewaysDefaults() {
        PoolRuntime pool = serve(compile("infergate.io/flow-control: \"true\"", 5, 1));
        assertThat(pool.schedulingProfile()).isEmpty();
        FlowController<Object> c = flows.controller(pool.id());
        assertThat(c.config()).isEqualTo(SchedulingOptions.defaults().flowControl());
        assertThat(c.config().requestTtl()).isEqualTo(SchedulingOptions.DEFAULT_QUEUE_TTL);
        // and the scheduler of a flow-controlled pool sheds nothing itself
        assertThat(pickers.scheduler(pool.id())).isNotNull();
        assertThat(flows.controller(serve(compile("", 5, 1)).id())).isNull();
    }

    @Test
    void aReloadWithTheSameSettingsKeepsTheControllerAndItsQueue() {
        PoolRuntime pool = serve(compile("infergate.io/scheduling-profile: epc", 5, 1));
        FlowController<Object> c = flows.controller(pool.id());
        Ticket<Object> waiting = enqueue(c, 0);
        serve(compile("infergate.io/scheduling-profile: epc", 5, 1));
        assertThat(flows.controller(pool.id())).isSameAs(c);
        assertThat(waiting.isDone()).isFalse();
    }

    @Test
    void aReloadThatChangesTheLimitsReplacesTheControllerAndTheOldQueueStillGoesFirst() {
        List<String> order = new ArrayList<>();
        PoolRuntime pool = serve(compile("infergate.io/scheduling-profile: epc", 5, 1));
        FlowController<Object> old = flows.controller(pool.id());
        Ticket<Object> first = enqueue(old, 0);
        first.outcome().thenRun(() -> order.add("first"));

        pool = serve(compile("infergate.io/scheduling-profile: epc", 5, 2));
        FlowController<Object> next = flows.controller(pool.id());
        assertThat(next).isNotSameAs(old);
        assertThat(next.config().band(0).maxRequests()).isEqualTo(2);
        assertThat(first.isDone()).isFalse(); // not lost to the reload
        assertThat(flows.retiredQueued(pool.id())).isEqualTo(1);

        // capacity, and a new request before anything pokes: it does not overtake the one that waited longer
        queue(pool, 0);
        Ticket<Object> second = enqueue(next, 0);
        second.outcome().thenRun(() -> order.add("second"));
        assertThat(second.isDone()).isFalse();
        enqueue(next, 0);
        assertThat(outcome(enqueue(next, 0)))
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo(RejectReason.BAND_MAX_REQUESTS)); // the new limit, 2
        flows.pokeAll();
        assertThat(order).containsExactly("first", "second");
        assertThat(outcome(first)).isInstanceOf(Outcome.Dispatched.class);

        // the empty retired controller is closed at the second sweep that finds it empty
        flows.sweepAll();
        assertThat(outcome(enqueue(old, 0))).isInstanceOf(Outcome.Dispatched.class); // a late lookup still gets in
        flows.sweepAll();
        assertThat(outcome(enqueue(old, 0)))
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.SHUT_DOWN));
    }

    @Test
    void turningFlowControlOffRetiresAndRemovingThePoolCloses() {
        PoolRuntime pool = serve(compile("infergate.io/flow-control: \"true\"", 5, 1));
        Ticket<Object> held = enqueue(flows.controller(pool.id()), 0);
        serve(compile("", 5, 1));
        assertThat(flows.controller(pool.id())).isNull();
        assertThat(held.isDone()).isFalse(); // still waits for capacity in the retired controller
        queue(pool, 0);
        flows.pokeAll();
        assertThat(outcome(held)).isInstanceOf(Outcome.Dispatched.class);

        PoolRuntime again = serve(compile("infergate.io/flow-control: \"true\"", 5, 1));
        queue(again, 9);
        Ticket<Object> orphan = enqueue(flows.controller(again.id()), 0);
        assertThat(orphan.isDone()).isFalse();
        LoadResult none = Manifests.load("empty.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
        serve2(GatewayConfig.compile(none.manifests()));
        assertThat(outcome(orphan))
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class, r -> assertThat(r.httpStatus()).isEqualTo(503));
    }

    private void serve2(GatewayConfig config) {
        pickers.update(config);
        flows.update(config);
    }

    @Test
    void theDefaultsAreGiesLimitsWithABoundedTtl() {
        assertThat(SchedulingOptions.defaults().flowControl())
                .isEqualTo(FlowControlConfig.DEFAULT.withRequestTtl(SchedulingOptions.DEFAULT_QUEUE_TTL));
    }
}
