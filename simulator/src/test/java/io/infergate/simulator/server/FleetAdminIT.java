package io.infergate.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.fault.MetricsFault;
import io.infergate.simulator.http.Json;
import io.infergate.testing.Patience;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A three-replica fleet on ephemeral ports and its admin API. */
class FleetAdminIT {

    private static SimulatorFleet fleet;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();

    @BeforeAll
    static void start() {
        fleet = new SimulatorFleet(new FleetSpec(
                        3,
                        0,
                        0,
                        ReplicaSpec.builder(TestEngines.fast())
                                .seed(11)
                                .http(TestEngines.PATIENT_HTTP)
                                .build()))
                .start();
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private static HttpResponse<String> admin(String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body =
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
        return http.send(
                HttpRequest.newBuilder(URI.create(fleet.adminUrl() + path))
                        .method(method, body)
                        .header("content-type", "application/json")
                        .timeout(Patience.EVENTUALLY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void replicasHaveDistinctNamesPortsAndSeeds() throws Exception {
        List<SimReplica> rs = fleet.replicas();
        assertThat(rs).extracting(SimReplica::name).containsExactly("sim-0", "sim-1", "sim-2");
        Set<Integer> ports = new HashSet<>();
        Set<Long> seeds = new HashSet<>();
        rs.forEach(r -> {
            ports.add(r.port());
            seeds.add(r.spec().seed());
        });
        assertThat(ports).hasSize(3);
        assertThat(seeds).hasSize(3);
        JsonNode list = Json.MAPPER.readTree(admin("GET", "/replicas", null).body());
        assertThat(list.get("replicas")).hasSize(3);
        JsonNode first = list.at("/replicas/0");
        assertThat(first.get("name").asString()).isEqualTo("sim-0");
        assertThat(first.get("url").asString()).isEqualTo(rs.get(0).url());
        assertThat(first.get("listening").asBoolean()).isTrue();
        // steps only grow, so the reported value is at most what the engine holds now
        assertThat(first.get("engine").get("steps").asLong())
                .isBetween(0L, rs.get(0).engine().metrics().steps());
        assertThat(first.get("engine").has("decodeTokenModelNanos")).isTrue();
        assertThat(first.at("/faults/errorRate").asDouble()).isZero();
    }

    @Test
    void faultsCanBeReadPatchedAndReplaced() throws Exception {
        HttpResponse<String> patched = admin(
                "PATCH", "/replicas/1/faults", "{\"errorRate\":0.5,\"errorStatuses\":503,\"metricsFault\":\"slow\"}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(fleet.replica(1).faults().config().errorRate()).isEqualTo(0.5);
        assertThat(fleet.replica(1).faults().config().errorStatuses()).containsExactly(503);
        assertThat(fleet.replica(1).faults().config().metricsFault()).isEqualTo(MetricsFault.SLOW);

        admin("PATCH", "/replicas/1/faults", "{\"addedLatencyMs\":10}");
        assertThat(fleet.replica(1).faults().config().errorRate()).isEqualTo(0.5);

        JsonNode replaced = Json.MAPPER.readTree(
                admin("PUT", "/replicas/1/faults", "{\"crashAfterChunks\":4}").body());
        assertThat(replaced.get("errorRate").asDouble()).isZero();
        assertThat(replaced.get("crashAfterChunks").asInt()).isEqualTo(4);
        assertThat(Json.MAPPER
                        .readTree(admin("GET", "/replicas/1/faults", null).body())
                        .get("crashAfterChunks")
                        .asInt())
                .isEqualTo(4);
        admin("PUT", "/faults", "{}");
        assertThat(fleet.replica(1).faults().config().isNone()).isTrue();
    }

    @Test
    void badAdminInputIsAClear400() throws Exception {
        HttpResponse<String> unknownField = admin("PUT", "/replicas/0/faults", "{\"errRate\":1}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER
                        .readTree(unknownField.body())
                        .at("/error/message")
                        .asString())
                .contains("unknown field 'errRate'")
                .contains("errorRate");

        HttpResponse<String> outOfRange = admin("PATCH", "/replicas/0/faults", "{\"errorRate\":2}");
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(outOfRange.body()).contains("errorRate: 2.0 (expected: 0..1)");

        HttpResponse<String> badEnum = admin("PATCH", "/replicas/0/faults", "{\"metricsFault\":\"broken\"}");
        assertThat(badEnum.statusCode()).isEqualTo(400);
        assertThat(badEnum.body()).contains("expected one of: none, slow, failing, garbled");

        assertThat(admin("PUT", "/replicas/0/faults", "{oops").statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/replicas/x", null).statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/replicas/9", null).statusCode()).isEqualTo(404);
        assertThat(admin("DELETE", "/replicas/0", null).statusCode()).isEqualTo(405);
        assertThat(admin("GET", "/nothing", null).statusCode()).isEqualTo(404);
        assertThat(fleet.replica(0).faults().config().isNone()).isTrue();
    }

    @Test
    void stopAndStartThroughTheAdminApi() throws Exception {
        SimReplica r = fleet.replica(2);
        JsonNode stopped =
                Json.MAPPER.readTree(admin("POST", "/replicas/2/stop", null).body());
        assertThat(stopped.get("listening").asBoolean()).isFalse();
        assertThat(r.isListening()).isFalse();
        JsonNode started =
                Json.MAPPER.readTree(admin("POST", "/replicas/2/start", null).body());
        assertThat(started.get("listening").asBoolean()).isTrue();
        assertThat(started.get("port").asInt()).isEqualTo(r.port());
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create(r.url() + "/health"))
                        .timeout(Patience.EVENTUALLY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
