package io.infergate.extproc.server;

import static io.infergate.extproc.server.EnvoySide.post;
import static io.infergate.extproc.server.EnvoySide.requestBody;
import static io.infergate.extproc.server.EnvoySide.requestHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.infergate.api.Manifests;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.simulator.server.SimulatorFleet;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The picker as a process would run it: real ports, TLS with a generated certificate (Envoy connects without
 * verifying), scraping two simulated vLLM replicas (one pod, two data-parallel target ports), gRPC health and the
 * Prometheus endpoint. The test plays Envoy: it asks the picker, sends the (rewritten) body to the endpoint it
 * names, and passes the response back through the picker.
 */
class EppServerIT {

    private static final PoolId POOL = new PoolId("inference.networking.k8s.io", "default", "pool");
    private SimulatorFleet fleet;
    private EppServer server;
    private ManagedChannel channel;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(Preset.DEFAULT.config().toBuilder()
                                        .servedModelName("base")
                                        .outputLengths(new OutputLengthDistribution.Fixed(3))
                                        .frontendOverheadNanos(0)
                                        .build())
                                .seed(5)
                                .build()))
                .start();
        String ports =
                fleet.replicas().stream().map(r -> "{number: " + r.port() + "}").collect(Collectors.joining(", "));
        String yaml = """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, namespace: default}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [%s]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sim-0, namespace: default, labels: {app: sim}}
                status: {podIP: 127.0.0.1}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: alias, namespace: default}
                spec:
                  poolRef: {name: pool}
                  rules:
                    - matches: [{model: {type: Exact, value: friendly}}]
                      targets: [{modelRewrite: base, weight: 1}]
                """.formatted(ports);
        EppState state = new EppState(
                POOL,
                SchedulingOptions.defaults().withMetricsInterval(Duration.ofMillis(20)),
                System::nanoTime,
                () -> new SplittableRandom(1),
                null);
        state.update(Manifests.load("it.yaml", yaml).manifests());
        server = new EppServer(
                        state,
                        StreamSettings.defaults(),
                        new EppServer.Options(
                                "127.0.0.1",
                                0,
                                0,
                                0,
                                Optional.of(ServingCertificate.selfSigned("localhost")),
                                Duration.ofMillis(20)),
                        () -> true)
                .start();
        ChannelCredentials tls = TlsChannelCredentials.newBuilder()
                .trustManager(InsecureTrustManagerFactory.INSTANCE.getTrustManagers())
                .build();
        channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.boundPorts().get("grpc"), tls)
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
            server.state().close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void envoysRoundTripOverTlsReachesAScrapedReplicaAndRestoresTheModelName() throws Exception {
        // the scraper has read both replicas before we ask
        await().until(() -> server.state().datastore().slots().stream()
                .allMatch(s -> s.metrics().everRead()));
        EnvoySide envoy = new EnvoySide(channel);
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            EnvoySide.Stream s = envoy.open();
            String body = "{\"model\":\"friendly\",\"prompt\":\"request " + i + "\",\"max_tokens\":3}";
            s.send(requestHeaders(post("/v1/completions"), false, null)).send(requestBody(body, true));
            ProcessingResponse h = s.next();
            String destination = EnvoySide.setHeaders(h).get("x-gateway-destination-endpoint");
            String rewritten = s.requestBody(new ArrayList<>());
            assertThat(rewritten).contains("\"model\":\"base\"");
            HttpResponse<String> upstream = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + destination + "/v1/completions"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(rewritten))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upstream.statusCode()).isEqualTo(200);
            s.send(EnvoySide.responseHeaders(
                    Map.of(":status", "200", "content-type", "application/json"), destination));
            assertThat(s.next().hasResponseHeaders()).isTrue();
            s.send(EnvoySide.responseBody(upstream.body(), true));
            String toClient = s.responseBody();
            assertThat(toClient).contains("\"model\":\"friendly\"").doesNotContain("\"model\":\"base\"");
            s.halfClose();
            assertThat(s.end()).isNull();
            served.add(destination);
        }
        List<String> replicas =
                fleet.replicas().stream().map(r -> "127.0.0.1:" + r.port()).toList();
        assertThat(served).allMatch(replicas::contains);

        // health on its own plaintext port, with the reference names
        ManagedChannel healthChannel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.boundPorts().get("health"), InsecureChannelCredentials.create())
                .build();
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(healthChannel);
            for (String name : List.of("liveness", "readiness", "envoy.service.ext_proc.v3.ExternalProcessor")) {
                assertThat(health.check(HealthCheckRequest.newBuilder()
                                        .setService(name)
                                        .build())
                                .getStatus())
                        .as(name)
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            }
        } finally {
            healthChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.boundPorts().get("metrics") + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("inference_objective_request_total{model_name=\"friendly\","
                        + "target_model_name=\"base\",priority=\"0\"} 6")
                .contains("inference_extension_scheduler_e2e_duration_seconds_count 6")
                .contains("inference_pool_ready_pods{name=\"pool\",namespace=\"default\"} 2");
    }

    @Test
    void aPlaintextClientCannotTalkToTheTlsPortButTheServerKeepsServing() throws Exception {
        ManagedChannel plain = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.boundPorts().get("grpc"), InsecureChannelCredentials.create())
                .build();
        try {
            EnvoySide.Stream s = new EnvoySide(plain).open();
            s.send(requestHeaders(post("/v1/models"), true, null));
            assertThat(s.end()).isNotNull();
        } catch (StatusRuntimeException expected) {
            // refused at once: fine too
        } finally {
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        EnvoySide.Stream s = new EnvoySide(channel).open().send(requestHeaders(post("/v1/models"), true, null));
        assertThat(EnvoySide.setHeaders(s.next())).containsKey("x-gateway-destination-endpoint");
        s.halfClose();
        assertThat(s.end()).isNull();
        assertThat(fleet.replicas()).extracting(SimReplica::isListening).containsOnly(true);
    }
}
