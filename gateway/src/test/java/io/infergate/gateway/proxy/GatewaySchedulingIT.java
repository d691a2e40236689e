package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.picker.SchedulingOptions;
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
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The endpoint picker inside the gateway, against simulated replicas: their /metrics are scraped into the
 * datastore, and a pool whose metrics are stale counts as saturated, so Sheddable requests are shed (429) while
 * Critical and Standard ones are served.
 */
class GatewaySchedulingIT {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    private static SimulatorFleet fleet;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(4))
                                .loraModules(GatewayFixture.loras())
                                .seed(3)
                                .build()))
                .start();
        List<Integer> ports = fleet.replicas().stream().map(SimReplica::port).toList();
        String sheddable = """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: batch}
                spec:
                  modelName: batch
                  criticality: Sheddable
                  poolRef: {group: inference.networking.k8s.io, name: pool}
                  targetModels: [{name: lora-v1, weight: 1}]
                """;
        gw = new GatewayFixture(GatewayFixture.manifests(ports, ports.get(0)) + sheddable, GatewayOptions.defaults());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private static HttpResponse<String> chat(String model) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitSlots(Predicate<EndpointSlot> condition) {
        Awaitility.await().until(() -> {
            List<EndpointSlot> slots = gw.server.datastore().slots();
            return !slots.isEmpty() && slots.stream().allMatch(condition);
        });
    }

    private static void metricsFault(MetricsFault fault) {
        fleet.replicas().forEach(r -> r.faults().set(r.faults().config().withMetricsFault(fault)));
    }

    @Test
    void staleMetricsShedSheddableTrafficOnlyAndFreshMetricsBringItBack() throws Exception {
        awaitSlots(s -> s.metrics().failure() == null && s.metrics().everRead());
        EndpointSlot any = gw.server.datastore().slots().get(0);
        assertThat(any.metrics().metrics().engine()).isEqualTo("vllm");
        assertThat(any.metrics().metrics().hasKvUsage()).isTrue();
        awaitSheddableServed();

        metricsFault(MetricsFault.FAILING);
        try {
            awaitSlots(s -> s.metrics().failure() != null);
            assertThat(gw.server.datastore().slots().get(0).metrics().failure()).startsWith("scrape failed");
            HttpResponse<String> shed = chat("batch");
            assertThat(shed.statusCode()).isEqualTo(429);
            JsonNode err = JSON.readTree(shed.body()).path("error");
            assertThat(err.path("type").asString()).isEqualTo("rate_limit_error");
            assertThat(err.path("message").asString()).contains("saturated");
            assertThat(chat(GatewayFixture.BASE_MODEL).statusCode()).isEqualTo(200); // Critical
            assertThat(chat("canary").statusCode()).isEqualTo(200); // Standard
        } finally {
            metricsFault(MetricsFault.NONE);
        }
        awaitSlots(s -> s.metrics().failure() == null);
        awaitSheddableServed();
    }

    /**
     * A Sheddable request is served once the metrics are fresh. Not asserted of a single request: admission counts
     * metrics older than 200 ms (the detector's threshold) as saturation, and on a loaded machine scrapes can time out
     * for that long; so this sends until one goes through, which fresh metrics guarantee.
     */
    private static void awaitSheddableServed() {
        Awaitility.await().until(() -> chat("batch").statusCode() == 200);
    }

    @Test
    void theScoresOfADecisionAreShownOnlyWhenTheGatewayAllowsIt() throws Exception {
        HttpRequest.Builder ask = HttpRequest.newBuilder(URI.create(gw.url() + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("x-infergate-debug", "scores")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + GatewayFixture.BASE_MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}"));
        HttpResponse<String> off = http.send(ask.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(off.headers().firstValue("x-infergate-scores")).isEmpty();

        List<Integer> ports = fleet.replicas().stream().map(SimReplica::port).toList();
        GatewayFixture debug = new GatewayFixture(
                GatewayFixture.manifests(ports, ports.get(0)),
                GatewayOptions.defaults(),
                SchedulingOptions.defaults().withDebugScores(true));
        try {
            HttpResponse<String> on = http.send(
                    HttpRequest.newBuilder(URI.create(debug.url() + "/v1/chat/completions"))
                            .header("content-type", "application/json")
                            .header("x-infergate-debug", "scores")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + GatewayFixture.BASE_MODEL
                                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(on.statusCode()).isEqualTo(200);
            // one entry per endpoint scored: name=total (scorer=score, ...). Which endpoints are scored depends on
            // timing: the profile's sticky LoRA filter keeps only the endpoints whose last scrape shows room for an
            // adapter when there are any, so one not scraped yet by this new gateway (or with its slots full) is not
            assertThat(on.headers().firstValue("x-infergate-scores"))
                    .hasValueSatisfying(v -> assertThat(v)
                            .containsPattern("sim-pod-rank-[01]=")
                            .contains("prefix-cache-scorer=")
                            .contains("prefill-queue-scorer="));
        } finally {
            debug.close();
        }
    }
}
