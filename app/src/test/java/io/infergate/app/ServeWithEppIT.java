package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.app.epp.EppRuntime;
import io.infergate.app.serve.ServeRuntime;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.simulator.server.SimulatorFleet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve} and {@code epp} against each other, as a user would run them: the gateway's InferencePool names an
 * external picker (a Service whose endpoint is the {@code epp} process), the picker (TLS, self-signed) chooses
 * among simulated replicas and rewrites the model, the gateway follows it and restores the name. With the picker
 * stopped, the pool's failureMode decides.
 */
class ServeWithEppIT {

    @TempDir
    Path dir;

    private SimulatorFleet fleet;
    private EppRuntime epp;
    private ServeRuntime serve;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        fleet = new SimulatorFleet(new FleetSpec(
                        2,
                        0,
                        -1,
                        ReplicaSpec.builder(Preset.DEFAULT.config().toBuilder()
                                        .servedModelName("base")
                                        .outputLengths(new OutputLengthDistribution.Fixed(3))
                                        .frontendOverheadNanos(0)
                                        .build())
                                .seed(3)
                                .build()))
                .start();
        Path pickerFile = dir.resolve("picker.yaml");
        Files.writeString(pickerFile, pool("FailClose") + """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: alias}
                spec:
                  poolRef: {name: pool}
                  rules:
                    - matches: [{model: {type: Exact, value: friendly}}]
                      targets: [{modelRewrite: base, weight: 1}]
                """);
        StringWriter err = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setErr(new PrintWriter(err, true));
        CommandLine.ParseResult parsed = cl.parseArgs(
                "epp",
                "--manifests",
                pickerFile.toString(),
                "--grpc-port",
                "0",
                "--grpc-health-port",
                "0",
                "--metrics-port",
                "-1",
                "--host",
                "127.0.0.1",
                "--refresh-metrics-interval",
                "20ms");
        epp = ((EppCommand) parsed.subcommand().commandSpec().userObject()).start();
        assertThat(epp).as(err.toString()).isNotNull();
    }

    @AfterEach
    void stop() {
        if (serve != null) {
            serve.close();
        }
        if (epp != null) {
            epp.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private String pool(String failureMode) {
        String ports =
                fleet.replicas().stream().map(r -> "{number: " + r.port() + "}").collect(Collectors.joining(", "));
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [%s]
                  endpointPickerRef: {name: epp, port: {number: 9002}, failureMode: %s}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sim, labels: {app: sim}}
                status: {podIP: 127.0.0.1}
                """.formatted(ports, failureMode);
    }

    private void serve(String failureMode) throws Exception {
        Path gatewayFile = dir.resolve("gateway.yaml");
        Files.writeString(gatewayFile, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: llm}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: epp}
                spec:
                  selector: {app: epp}
                  ports: [{port: 9002, targetPort: %d, appProtocol: http2}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: epp-0, labels: {app: epp}}
                status: {podIP: 127.0.0.1}
                ---
                """.formatted(epp.server().boundPorts().get("grpc")) + pool(failureMode));
        StringWriter err = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setErr(new PrintWriter(err, true));
        CommandLine.ParseResult parsed = cl.parseArgs(
                "serve",
                "--config",
                gatewayFile.toString(),
                "--ephemeral-ports",
                "--admin-port",
                "-1",
                "--drain-timeout",
                "2s");
        serve = ((ServeCommand) parsed.subcommand().commandSpec().userObject()).start();
        assertThat(serve).as(err.toString()).isNotNull();
    }

    private HttpResponse<String> complete(String model) throws Exception {
        int port = serve.boundPorts().get("default/gw/http");
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"" + model + "\",\"prompt\":\"hello\",\"max_tokens\":3}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theGatewayFollowsTheExternalPickerAndRestoresTheModelName() throws Exception {
        serve("FailClose");
        Set<Integer> replicaPorts =
                new HashSet<>(fleet.replicas().stream().map(SimReplica::port).toList());
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = complete("friendly");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            // the picker rewrote friendly -> base for the replica; the client sees its own name
            assertThat(r.body()).contains("\"model\":\"friendly\"");
        }
        // the picker saw every request through to the end: its in-flight counts go back to zero
        var endpoints = epp.state().served().orElseThrow().pool().snapshot().endpoints();
        assertThat(endpoints).extracting(e -> e.port()).containsExactlyInAnyOrderElementsOf(replicaPorts);
        Awaitility.await()
                .until(() ->
                        endpoints.stream().allMatch(e -> epp.state().inFlight().inFlight(e) == 0));
        // the picker counts a request after releasing its load, so the count may lag the in-flight figures
        Awaitility.await()
                .untilAsserted(() -> assertThat(epp.server().scrape())
                        .contains("inference_objective_request_total{model_name=\"friendly\","
                                + "target_model_name=\"base\",priority=\"0\"} 8"));
    }

    @Test
    void withThePickerDownFailCloseIs503AndFailOpenStillServes() throws Exception {
        serve("FailClose");
        epp.close();
        HttpResponse<String> closed = complete("base");
        assertThat(closed.statusCode()).isEqualTo(503);
        assertThat(closed.body()).contains("\"error\"");
        serve.close();
        serve = null;
        serve("FailOpen");
        HttpResponse<String> open = complete("base");
        assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
    }
}
