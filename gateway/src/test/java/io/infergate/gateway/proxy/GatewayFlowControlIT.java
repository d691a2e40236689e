package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.simulator.fault.MetricsFault;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.simulator.server.SimulatorFleet;
import io.infergate.testing.Patience;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Flow control in the gateway against simulated replicas: while the pool has no capacity (its metrics fail, so it
 * counts as saturated) requests wait in the queue instead of being shed; they go as soon as capacity returns, and
 * one that waits past the TTL gets 503.
 *
 * <p>The two outcomes of a queued request race each other (capacity returns, or the TTL lapses), so each test lets
 * only one of them happen: the release test has no TTL, the expiry test never gives capacity back.
 */
class GatewayFlowControlIT {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    /** No TTL ({@link FlowControlConfig#requestTtl()} 0): the release test's queued request waits for capacity. */
    private static final Duration NEVER_EXPIRES = Duration.ZERO;
    /**
     * The TTL of the expiry test, short to keep it quick: safe under any load, since the pool's metrics fail for the
     * whole wait and nothing but the TTL can end the request.
     */
    private static final Duration EXPIRES = Duration.ofSeconds(1);

    private static SimulatorFleet fleet;
    private GatewayFixture gw;

    @BeforeAll
    static void startFleet() {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(3))
                                .loraModules(GatewayFixture.loras())
                                .seed(9)
                                .build()))
                .start();
    }

    @AfterAll
    static void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @AfterEach
    void stop() {
        metricsFault(MetricsFault.NONE);
        if (gw != null) {
            gw.close();
        }
    }

    /** The fixture's manifests with flow control on for pool {@code pool}. */
    private static String manifests() {
        List<Integer> ports = fleet.replicas().stream().map(SimReplica::port).toList();
        return GatewayFixture.manifests(ports, ports.get(0))
                .replace(
                        "metadata: {name: pool}",
                        "metadata: {name: pool, annotations: {infergate.io/flow-control: \"true\"}}");
    }

    /** A gateway in front of the fleet whose pool has flow control, with the given request TTL. */
    private static GatewayFixture gateway(Duration requestTtl) {
        return gateway(manifests(), requestTtl);
    }

    private static GatewayFixture gateway(String manifests, Duration requestTtl) {
        return new GatewayFixture(
                manifests,
                GatewayOptions.defaults(),
                SchedulingOptions.defaults()
                        .withFlowControl(FlowControlConfig.DEFAULT
                                .withRequestTtl(requestTtl)
                                .withExpirySweepInterval(Duration.ofMillis(100))));
    }

    private CompletableFuture<HttpResponse<String>> chat(String model) {
        return http.sendAsync(
                HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private FlowController<Object> queue() {
        return gw.server
                .flowControls()
                .controller(gw.server.config().pools().stream()
                        .filter(p -> p.id().name().equals("pool"))
                        .findFirst()
                        .orElseThrow()
                        .id());
    }

    private static void metricsFault(MetricsFault fault) {
        if (fleet != null) {
            fleet.replicas().forEach(r -> r.faults().set(r.faults().config().withMetricsFault(fault)));
        }
    }

    private void awaitMetrics(boolean failing) {
        Awaitility.await().until(() -> {
            List<EndpointSlot> slots = gw.server.datastore().slots();
            return !slots.isEmpty()
                    && slots.stream()
                            .allMatch(s -> failing
                                    ? s.metrics().failure() != null
                                    : s.metrics().failure() == null
                                            && s.metrics().everRead());
        });
    }

    @Test
    void requestsWaitWhileThePoolIsSaturatedAndGoWhenCapacityReturns() throws Exception {
        gw = gateway(NEVER_EXPIRES);
        assertThat(queue()).isNotNull();
        awaitMetrics(false);
        assertThat(chat("batch-less").get().statusCode()).isEqualTo(404); // unknown model: refused before queueing
        assertThat(chat(GatewayFixture.BASE_MODEL).get().statusCode()).isEqualTo(200); // fast path

        metricsFault(MetricsFault.FAILING);
        awaitMetrics(true);
        CompletableFuture<HttpResponse<String>> waiting = chat("canary");
        Awaitility.await().until(() -> queue().queuedRequests() == 1);
        assertThat(waiting).isNotDone();
        metricsFault(MetricsFault.NONE);
        awaitMetrics(false);
        HttpResponse<String> released = waiting.get();
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(JSON.readTree(released.body()).path("model").asString()).isEqualTo("canary");
        assertThat(queue().stats().expired()).isZero();
    }

    @Test
    void aQueuedRequestIsPickedFromThePoolAsAReloadLeftIt() throws Exception {
        // queued while the pool selects no Pod (no endpoint: no capacity), released by a reload that adds one
        String podless = manifests().replace("labels: {app: sim}", "labels: {app: elsewhere}");
        gw = gateway(podless, NEVER_EXPIRES);
        CompletableFuture<HttpResponse<String>> waiting = chat(GatewayFixture.BASE_MODEL);
        Awaitility.await().until(() -> queue().queuedRequests() == 1);

        var loaded = Manifests.load("test.yaml", manifests());
        gw.server.update(GatewayConfig.compile(loaded.manifests()));
        HttpResponse<String> released = waiting.get();
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(queue().stats().dispatched()).isEqualTo(1);
    }

    @Test
    void aRequestThatWaitsPastTheTtlGets503() throws Exception {
        gw = gateway(EXPIRES);
        metricsFault(MetricsFault.FAILING); // for the rest of the test: capacity never returns
        awaitMetrics(true);
        HttpResponse<String> expired = chat(GatewayFixture.BASE_MODEL).get();
        assertThat(expired.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(expired.body()).path("error").path("code").asString())
                .isEqualTo("queue_timeout");
        assertThat(queue().stats().expired()).isEqualTo(1);
    }
}
