package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.simulator.server.SimulatorFleet;
import io.infergate.testing.Patience;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Endpoints that refuse connections or die mid-stream, with the gateway in front. */
class GatewayFailoverIT {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    private SimulatorFleet fleet;
    private GatewayFixture gw;
    private Socket refusing;

    @AfterEach
    void stop() throws IOException {
        if (gw != null) {
            gw.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        if (refusing != null) {
            refusing.close();
        }
    }

    /**
     * A loopback port that refuses connections for the whole test: bound but not listening, so (unlike a port closed
     * again at once) no other process on a busy machine can take it and answer.
     */
    private int refusingPort() throws IOException {
        refusing = new Socket();
        refusing.bind(new InetSocketAddress("127.0.0.1", 0));
        return refusing.getLocalPort();
    }

    private HttpResponse<String> complete(String requestId) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(gw.url() + "/v1/completions"))
                        .header("content-type", "application/json")
                        .header("x-request-id", requestId)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"" + GatewayFixture.BASE_MODEL + "\",\"prompt\":\"hi\",\"max_tokens\":2}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRefusingEndpointIsRetriedOnTheNextOne() throws Exception {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(2))
                                .loraModules(GatewayFixture.loras())
                                .build()))
                .start();
        int dead = refusingPort();
        List<Integer> ports =
                List.of(dead, fleet.replica(0).port(), fleet.replica(1).port());
        // no scraping: with metrics the picker would never choose the dead endpoint (its scrapes fail), and this
        // test is about what happens when a chosen endpoint refuses the connection
        gw = new GatewayFixture(
                GatewayFixture.manifests(ports, ports.get(1)),
                GatewayOptions.defaults(),
                SchedulingOptions.defaults().withMetricsInterval(Duration.ZERO));
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = complete("retry-" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        await().until(() -> gw.records.size() == 30);
        List<RequestRecord> retried =
                gw.records.stream().filter(r -> r.attempts() > 1).toList();
        // the dead endpoint comes first in about a third of the picks (random tie-break among idle endpoints)
        assertThat(retried).isNotEmpty();
        assertThat(gw.records).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.endpoint()).isNotEqualTo("127.0.0.1:" + dead);
        });
        assertThat(gw.server
                        .inFlight()
                        .inFlight(gw.server
                                .config()
                                .pools()
                                .get(0)
                                .snapshot()
                                .endpoints()
                                .get(0)))
                .isZero();
    }

    @Test
    void aReplicaStoppedMidStreamEndsTheStreamCleanlyAndLaterRequestsGoElsewhere() throws Exception {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(2))
                                .loraModules(GatewayFixture.loras())
                                .build()))
                .start();
        SimReplica victim = fleet.replica(0);
        List<Integer> ports = List.of(victim.port(), fleet.replica(1).port());
        gw = new GatewayFixture(GatewayFixture.manifests(ports, ports.get(1)), GatewayOptions.defaults());

        // both replicas scraped first: until then the LoRA filter keeps only the one that was (it shows room for an
        // adapter, the other shows nothing yet), however many streams go out
        await().until(() -> gw.server.datastore().slots().size() == 2
                && gw.server.datastore().slots().stream()
                        .allMatch(s -> s.metrics().everRead()));
        // long streams until one lands on the victim: the picker is free to put the first ones on the other replica
        Endpoint onVictim = gw.server.config().pools().get(0).snapshot().endpoints().stream()
                .filter(e -> e.port() == victim.port())
                .findFirst()
                .orElseThrow();
        List<CompletableFuture<HttpResponse<InputStream>>> streams = new ArrayList<>();
        for (int i = 0; i < 16 && gw.server.inFlight().inFlight(onVictim) == 0; i++) {
            CompletableFuture<HttpResponse<InputStream>> stream = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(gw.url() + "/v1/completions"))
                            .header("content-type", "application/json")
                            .header("x-request-id", "long-" + i)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + GatewayFixture.BASE_MODEL
                                    + "\",\"prompt\":\"go\",\"max_tokens\":5000,\"ignore_eos\":true,\"stream\":true}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            streams.add(stream);
            await().until(stream::isDone); // response headers: the stream is placed and counted in flight
        }
        assertThat(gw.server.inFlight().inFlight(onVictim))
                .as("a stream on the victim")
                .isPositive();
        List<HttpResponse<InputStream>> responses = new ArrayList<>();
        for (var f : streams) {
            HttpResponse<InputStream> r = f.get(Patience.SECONDS, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            responses.add(r);
        }
        victim.stop();

        await().until(() -> gw.records.stream().anyMatch(r -> "upstream_disconnected".equals(r.errorType())));
        // the cut streams got an SSE error event and a clean end of the chunked body: reading them reaches EOF
        int cut = 0;
        for (HttpResponse<InputStream> resp : responses) {
            String id = resp.headers().firstValue("x-request-id").orElseThrow();
            boolean wasCut = gw.records.stream()
                    .anyMatch(r -> r.requestId().equals(id) && "upstream_disconnected".equals(r.errorType()));
            try (InputStream in = resp.body()) {
                if (wasCut) {
                    String text = CompletableFuture.supplyAsync(() -> {
                                try {
                                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                                } catch (IOException e) {
                                    return "IOException: " + e;
                                }
                            })
                            .get(Patience.SECONDS, TimeUnit.SECONDS);
                    assertThat(text).contains("data: {").endsWith("\"code\":\"upstream_failed\"}}\n\n");
                    cut++;
                }
            }
        }
        assertThat(cut).isPositive();

        int victimPort = victim.port();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = complete("after-" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        await().until(() -> gw.records.stream()
                        .filter(r -> r.requestId().startsWith("after-"))
                        .count()
                == 10);
        assertThat(gw.records.stream().filter(r -> r.requestId().startsWith("after-")))
                .allSatisfy(r -> assertThat(r.endpoint()).isNotEqualTo("127.0.0.1:" + victimPort));
    }

    /**
     * A replica that resets every stream after its first event (the simulator's {@code crashAfterChunks}) is ejected
     * after five cut streams in a row, though each of them started with a 200: afterwards every stream goes to the
     * other replica. Before cut streams counted, the head's 200 was a success and nothing was ever ejected.
     */
    @Test
    void aReplicaCuttingItsStreamsIsEjected() throws Exception {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(8))
                                .loraModules(GatewayFixture.loras())
                                .build()))
                .start();
        SimReplica crasher = fleet.replica(0);
        crasher.faults().set(FaultConfig.NONE.withCrashAfterChunks(1));
        List<Integer> ports = List.of(crasher.port(), fleet.replica(1).port());
        // no scraping: both replicas look idle, so the picker chooses between them at random and the crasher keeps
        // getting streams until it is ejected; one ejection outlasts the test
        gw = new GatewayFixture(
                GatewayFixture.manifests(ports, ports.get(1)),
                GatewayOptions.defaults()
                        .withOutliers(new OutlierDetector.Settings(5, Duration.ofHours(1), Duration.ofHours(1), 50)),
                SchedulingOptions.defaults().withMetricsInterval(Duration.ZERO));
        int sent = 0;
        while (cutStreams() < 5) {
            assertThat(sent).as("streams sent before five were cut").isLessThan(200);
            stream("before-" + sent++);
        }
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = stream("after-" + i);
            assertThat(r.body()).as(r.body()).endsWith("data: [DONE]\n\n");
        }
        await().until(() -> gw.records.stream()
                        .filter(r -> r.requestId().startsWith("after-"))
                        .count()
                == 20);
        assertThat(gw.records.stream().filter(r -> r.requestId().startsWith("after-")))
                .allSatisfy(r -> {
                    assertThat(r.errorType()).isNull();
                    assertThat(r.endpoint()).isNotEqualTo("127.0.0.1:" + crasher.port());
                });
    }

    private long cutStreams() {
        return gw.records.stream()
                .filter(r -> "upstream_disconnected".equals(r.errorType()))
                .count();
    }

    /** One streamed completion; returns once the gateway recorded it. */
    private HttpResponse<String> stream(String requestId) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(gw.url() + "/v1/completions"))
                        .header("content-type", "application/json")
                        .header("x-request-id", requestId)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + GatewayFixture.BASE_MODEL
                                + "\",\"prompt\":\"go\",\"max_tokens\":8,\"stream\":true}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        await().until(() -> gw.records.stream().anyMatch(rec -> rec.requestId().equals(requestId)));
        return r;
    }
}
