package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.admission.FlowControlStats;
import io.infergate.scheduler.admission.FlowController;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control from the pool's EndpointPickerConfig (feature gate {@code flowControl}) against simulated replicas:
 * its band limit answers 429 over the limit, and a reload that changes the limits replaces the controller without
 * losing the request the old one holds.
 */
class GatewayFlowControlConfigIT {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    private SimulatorFleet fleet;
    private GatewayFixture gw;
    private List<Integer> ports;

    private String manifests(int bandLimit) {
        return GatewayFixture.manifests(ports, ports.get(0))
                        .replace(
                                "metadata: {name: pool}",
                                "metadata: {name: pool, annotations: {infergate.io/scheduling-profile: queued}}")
                + """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: queued}
                featureGates: [flowControl]
                plugins:
                - type: queue-scorer
                - type: kv-cache-utilization-scorer
                flowControl:
                  # no defaultRequestTTL: a queued request waits for capacity, however slow the machine
                  priorityBands:
                  - {priority: 0, maxRequests: %d}
                """.formatted(bandLimit);
    }

    @BeforeEach
    void start() {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(3))
                                .loraModules(GatewayFixture.loras())
                                .seed(11)
                                .build()))
                .start();
        ports = fleet.replicas().stream().map(SimReplica::port).toList();
        // the default scrape interval (50 ms): a scrape times out after four fifths of it, and this test needs
        // scrapes to succeed (and to fail by the fault, not by timing out) on a loaded machine too
        gw = new GatewayFixture(manifests(1), GatewayOptions.defaults(), SchedulingOptions.defaults());
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        if (fleet != null) {
            metricsFault(MetricsFault.NONE);
            fleet.close();
        }
    }

    private CompletableFuture<HttpResponse<String>> canary() {
        return http.sendAsync(
                HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"canary\",\"messages\":[{\"role\":\"user\","
                                        + "\"content\":\"hi\"}],\"max_tokens\":3}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private PoolRuntime pool() {
        return gw.server.config().pools().stream()
                .filter(p -> p.id().name().equals("pool"))
                .findFirst()
                .orElseThrow();
    }

    private FlowController<Object> queue() {
        return gw.server.flowControls().controller(pool().id());
    }

    private void metricsFault(MetricsFault fault) {
        fleet.replicas().forEach(r -> r.faults().set(r.faults().config().withMetricsFault(fault)));
    }

    private void awaitMetrics(boolean failing) {
        Awaitility.await()
                .until(() -> gw.server.datastore().state(pool().id()).slots().stream()
                        .allMatch(s -> failing
                                ? s.metrics().failure() != null
                                : s.metrics().failure() == null && s.metrics().everRead()));
    }

    private static GatewayConfig compile(String manifests) {
        LoadResult r = Manifests.load("reload.yaml", manifests);
        assertThat(r.errors()).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    @Test
    void theBandLimitOfTheConfigurationAppliesAndAReloadKeepsTheQueuedRequest() throws Exception {
        assertThat(pool().flowControl()).isTrue();
        assertThat(queue().config().band(0).maxRequests()).isEqualTo(1);
        awaitMetrics(false);
        assertThat(canary().get().statusCode()).isEqualTo(200); // capacity: straight through
        // (straight through unless the metrics aged past the detector's 200 ms on a loaded machine; then it waited a
        // moment: either way, what the controller dispatched so far is not what this test is about)
        FlowControlStats before = queue().stats();

        metricsFault(MetricsFault.FAILING); // stale metrics count as saturated: requests wait
        awaitMetrics(true);
        CompletableFuture<HttpResponse<String>> first = canary();
        Awaitility.await().until(() -> queue().queuedRequests() == 1);
        HttpResponse<String> over = canary().get();
        assertThat(over.statusCode()).as(over.body()).isEqualTo(429);
        assertThat(over.body()).contains("priority 0 has 1 requests queued, maxRequests 1");

        // a reload with a new limit: a new controller for new requests, the old one keeps the first request
        FlowController<Object> old = queue();
        gw.server.update(compile(manifests(3)));
        assertThat(queue()).isNotSameAs(old);
        assertThat(queue().config().band(0).maxRequests()).isEqualTo(3);
        assertThat(gw.server.flowControls().retiredQueued(pool().id())).isEqualTo(1);
        CompletableFuture<HttpResponse<String>> second = canary();
        CompletableFuture<HttpResponse<String>> third = canary();
        Awaitility.await().until(() -> queue().queuedRequests() == 2);
        assertThat(first).isNotDone();

        metricsFault(MetricsFault.NONE);
        for (CompletableFuture<HttpResponse<String>> r : List.of(first, second, third)) {
            HttpResponse<String> done = r.get();
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        }
        // the old controller dispatched the request it held
        assertThat(old.stats().dispatched()
                        - old.stats().dispatchedImmediately()
                        - (before.dispatched() - before.dispatchedImmediately()))
                .isEqualTo(1);
    }
}
