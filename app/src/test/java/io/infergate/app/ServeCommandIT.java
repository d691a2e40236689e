package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.infergate.app.serve.ConfigReloader;
import io.infergate.app.serve.ServeRuntime;
import io.infergate.gateway.admin.ConfigStatus;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code infergate serve --config FILE} against a simulated replica on an ephemeral port. */
class ServeCommandIT {

    private static final String BASE = "meta-llama/Llama-3.1-8B-Instruct";

    @TempDir
    Path dir;

    private SimReplica replica;
    private ServeRuntime runtime;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger reloaderLog = (Logger) LoggerFactory.getLogger(ConfigReloader.class);

    @BeforeEach
    void startReplica() {
        replica = new SimReplica(ReplicaSpec.builder().port(0).build()).start();
        logs.start();
        reloaderLog.addAppender(logs);
    }

    @AfterEach
    void stopAll() {
        reloaderLog.detachAppender(logs);
        if (runtime != null) {
            runtime.close();
        }
        replica.close();
        http.close();
    }

    private String manifests(int targetPort, String extra) {
        return """
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
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: %d}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sim-0, labels: {app: sim}}
                status: {podIP: 127.0.0.1}
                """.formatted(targetPort) + extra;
    }

    private static final String ALIAS = """
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModel
            metadata: {name: alias}
            spec:
              modelName: alias
              poolRef: {group: inference.networking.k8s.io, name: pool}
              targetModels: [{name: %s}]
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModel
            metadata: {name: base}
            spec:
              modelName: %s
              criticality: Critical
              poolRef: {group: inference.networking.k8s.io, name: pool}
            """.formatted(BASE, BASE);

    private ServeRuntime serve(Path config, StringWriter err) {
        CommandLine cl = Main.newCommandLine();
        cl.setErr(new PrintWriter(err, true));
        CommandLine.ParseResult parsed = cl.parseArgs(
                "serve",
                "--config",
                config.toString(),
                "--ephemeral-ports",
                "--admin-port",
                "0",
                "--reload-debounce",
                "50ms",
                "--drain-timeout",
                "5s");
        ServeCommand cmd = (ServeCommand) parsed.subcommand().commandSpec().userObject();
        return cmd.start();
    }

    private HttpResponse<String> chat(String model) throws Exception {
        int port = runtime.boundPorts().get("default/gw/http");
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":4}";
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(runtime.admin().orElseThrow().url() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ConfigStatus.Reload lastReload() {
        return runtime.configStatus().lastReload().orElseThrow();
    }

    @Test
    void servesReloadsAndKeepsTheLastGoodConfiguration() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, manifests(replica.port(), ""));
        runtime = serve(config, new StringWriter());
        assertThat(runtime).isNotNull();

        HttpResponse<String> ok = chat(BASE);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"model\":\"" + BASE + "\"");
        // no InferenceModel yet: the pool routes any name unchanged, and the replica does not know "alias"
        assertThat(chat("alias").statusCode()).isEqualTo(404);
        assertThat(admin("/readyz").statusCode()).isEqualTo(200);
        assertThat(lastReload().applied()).isTrue();

        // a broken version: logged problem by problem, the last good configuration keeps serving
        var firstStatus = lastReload();
        ConfigFiles.replace(config, manifests(70000, ""));
        await().until(() -> lastReload() != firstStatus);
        ConfigStatus.Reload rejected = lastReload();
        assertThat(rejected.applied()).isFalse();
        assertThat(rejected.message()).endsWith("keeping the last good configuration");
        assertThat(rejected.problems())
                .anySatisfy(p -> assertThat(p)
                        .contains(config.getFileName().toString())
                        .contains("spec.targetPorts[0].number")
                        .contains("70000"));
        assertThat(logs.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage())
                    .contains("spec.targetPorts[0].number")
                    .contains("70000");
        });
        assertThat(chat(BASE).statusCode()).isEqualTo(200);
        assertThat(admin("/api/config").body()).contains("\"applied\" : false").contains("70000");

        // a good change takes effect
        ConfigFiles.replace(config, manifests(replica.port(), ALIAS));
        await().until(() -> lastReload() != rejected && lastReload().applied());
        HttpResponse<String> alias = chat("alias");
        assertThat(alias.statusCode()).isEqualTo(200);
        assertThat(alias.body()).contains("\"model\":\"alias\"");
        // the pool is strict now: only declared models
        assertThat(chat("unknown-model").statusCode()).isEqualTo(404);
        // the gateway counts a request once its last byte reached the client, which may be after the client read it
        await().untilAsserted(() -> assertThat(admin("/metrics").body())
                .contains("inference_objective_request_total{model_name=\"alias\",target_model_name=\"" + BASE
                        + "\",priority=\"0\"} 1"));
    }

    private static final String CONFIG_MAP_ONLY = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {note: "no Gateway here"}
            """;

    @Test
    void aReloadThatWouldCloseEveryListenerIsRefusedAndTheLastGoodConfigurationKeepsServing() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, manifests(replica.port(), ""));
        runtime = serve(config, new StringWriter());
        assertThat(runtime).isNotNull();
        int port = runtime.boundPorts().get("default/gw/http");
        String withoutGateway = manifests(replica.port(), "")
                .substring(manifests(replica.port(), "").indexOf("---\napiVersion: inference.networking.k8s.io/v1"));

        // emptied, truncated to nothing, a ConfigMap-only file, the Gateway deleted: each would close the port
        for (String broken : new String[] {"", "# truncated\n", CONFIG_MAP_ONLY, withoutGateway}) {
            ConfigStatus.Reload before = lastReload();
            ConfigFiles.replace(config, broken);
            await().until(() -> lastReload() != before);
            ConfigStatus.Reload refused = lastReload();
            assertThat(refused.applied()).as(broken).isFalse();
            assertThat(refused.message())
                    .as(broken)
                    .isEqualTo("refused " + config + ": no listener (no Gateway in the files: empty, truncated,"
                            + " or its Gateway removed); keeping the last good configuration");
            assertThat(runtime.boundPorts()).containsEntry("default/gw/http", port);
            assertThat(chat(BASE).statusCode()).isEqualTo(200);
            assertThat(admin("/readyz").statusCode()).isEqualTo(200);
            assertThat(admin("/api/config").body())
                    .contains("\"applied\" : false")
                    .contains("no listener");
        }
        assertThat(logs.list.stream()
                        .filter(e -> e.getLevel() == Level.WARN)
                        .map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.startsWith("config reload rejected: refused " + config + ": no listener"))
                        .count())
                .isEqualTo(4);

        // a good edit applies again
        ConfigStatus.Reload lastRefusal = lastReload();
        ConfigFiles.replace(config, manifests(replica.port(), ALIAS));
        await().until(() -> lastReload() != lastRefusal && lastReload().applied());
        assertThat(chat("alias").statusCode()).isEqualTo(200);
        assertThat(runtime.boundPorts()).containsEntry("default/gw/http", port);
    }

    @Test
    void aConfigWithoutAListenerIsNotServed() throws Exception {
        Path config = dir.resolve("settings.yaml");
        Files.writeString(config, CONFIG_MAP_ONLY);
        StringWriter err = new StringWriter();
        // start() returning null is what makes call() exit 1
        runtime = serve(config, err);
        assertThat(runtime).isNull();
        assertThat(err.toString())
                .contains("infergate serve: " + config + ": no listener (no Gateway in the files")
                .contains("nothing served");
    }

    @Test
    void aConfigWithErrorsPrintsEveryProblemAndExitsOne() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, manifests(70000, "---\nkind: Nonsense\n"));
        CommandLine cl = Main.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("serve", "--config", config.toString(), "--admin-port", "-1", "--ephemeral-ports");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("bad.yaml:").contains("70000").contains("nothing served");
        long errorLines =
                err.toString().lines().filter(l -> l.contains(": error: ")).count();
        assertThat(errorLines).isGreaterThanOrEqualTo(2);
    }

    @Test
    void embeddedOnlyOptionsAreRejectedWithConfig() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, manifests(replica.port(), ""));
        CommandLine cl = Main.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("serve", "--config", config.toString(), "--port", "9999"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--port applies to the embedded default only");
    }

    @Test
    void anUnknownSchedulingProfileIsAUsageError() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, manifests(replica.port(), ""));
        CommandLine cl = Main.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("serve", "--config", config.toString(), "--scheduling-profile", "fastest"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("defaultProfile: fastest (expected one of: gie-v0-filter-tree,"
                        + " gie-v1-default, infergate-default)");
        assertThat(cl.execute("serve", "--config", config.toString(), "--refresh-metrics-interval", "soon"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'soon' (expected: a duration such as 500ms");
        assertThat(cl.execute("serve", "--config", config.toString(), "--flow-control-max-requests", "-1"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("--flow-control-ttl / --flow-control-max-requests / --flow-control-critical-reserve /"
                        + " --flow-control-reserve-prefills: maxRequests: -1 (expected: >= 0, 0 = unlimited)");
        assertThat(cl.execute("serve", "--config", config.toString(), "--flow-control-critical-reserve", "1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("critical reserve: 1.0 (expected: a share in [0, 1))");
    }

    @Test
    void anUnknownClientObjectivesSettingIsAUsageError() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, manifests(replica.port(), ""));
        CommandLine cl = Main.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("serve", "--config", config.toString(), "--client-objectives", "always"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("--client-objectives: always (expected one of: never, not-above-model, any)");
    }
}
