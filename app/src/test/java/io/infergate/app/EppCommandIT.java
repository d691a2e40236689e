package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.infergate.app.epp.EppRuntime;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code infergate epp --manifests}: the command as a user starts it, on ephemeral ports. */
class EppCommandIT {

    @TempDir
    Path dir;

    private EppRuntime runtime;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private static String manifests(int pods) {
        StringBuilder y = new StringBuilder("""
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, namespace: llm}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}]
                """);
        for (int i = 0; i < pods; i++) {
            y.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: p")
                    .append(i)
                    .append(", namespace: llm, labels: {app: vllm}}\nstatus: {podIP: 10.1.0.")
                    .append(i + 1)
                    .append("}\n");
        }
        return y.toString();
    }

    private EppRuntime epp(StringWriter err, String... extra) {
        CommandLine cl = Main.newCommandLine();
        cl.setErr(new PrintWriter(err, true));
        String[] base = {
            "epp",
            "--grpc-port",
            "0",
            "--grpc-health-port",
            "0",
            "--metrics-port",
            "0",
            "--host",
            "127.0.0.1",
            "--reload-debounce",
            "50ms",
            "--refresh-metrics-interval",
            "0"
        };
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return ((EppCommand) parsed.subcommand().commandSpec().userObject()).start();
    }

    private String headerOnlyPick() throws Exception {
        return EnvoyProbe.headerOnlyPick(channel);
    }

    @Test
    void servesTheFilesPoolOverTlsAndFollowsFileChanges() throws Exception {
        Path file = dir.resolve("pool.yaml");
        Files.writeString(file, manifests(1));
        Path config = dir.resolve("epp-config.yaml");
        Files.writeString(config, """
                apiVersion: inference.networking.x-k8s.io/v1alpha1
                kind: EndpointPickerConfig
                plugins:
                - type: queue-scorer
                - type: max-score-picker
                schedulingProfiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                  - pluginRef: max-score-picker
                """);
        StringWriter err = new StringWriter();
        runtime = epp(err, "--manifests", file.toString(), "--config-file", config.toString());
        assertThat(runtime).as(err.toString()).isNotNull();
        assertThat(runtime.banner()).contains("InferencePool llm/pool").contains("TLS, self-signed");
        ChannelCredentials tls = TlsChannelCredentials.newBuilder()
                .trustManager(InsecureTrustManagerFactory.INSTANCE.getTrustManagers())
                .build();
        channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", runtime.server().boundPorts().get("grpc"), tls)
                .build();
        assertThat(headerOnlyPick()).isEqualTo("10.1.0.1:8000");

        ConfigFiles.replace(file, manifests(3));
        Set<String> seen = new HashSet<>();
        await().until(() -> {
            seen.add(headerOnlyPick());
            return seen.contains("10.1.0.3:8000");
        });

        ManagedChannel health = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", runtime.server().boundPorts().get("health"), InsecureChannelCredentials.create())
                .build();
        try {
            assertThat(HealthGrpc.newBlockingStub(health)
                            .check(HealthCheckRequest.newBuilder()
                                    .setService("readiness")
                                    .build())
                            .getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            health.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoPoolsWithoutPoolNameIsAUsageError() throws Exception {
        Path file = dir.resolve("pools.yaml");
        Files.writeString(file, manifests(1) + "---\n" + manifests(0).replace("name: pool", "name: other"));
        CommandLine cl = Main.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("epp", "--manifests", file.toString(), "--grpc-port", "0"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--pool-name is required").contains("hold 2 InferencePools");
    }

    @Test
    void aConfigFileWithErrorsIsReportedAndNothingStarts() throws Exception {
        Path file = dir.resolve("pool.yaml");
        Files.writeString(file, manifests(1));
        Path config = dir.resolve("bad-config.yaml");
        Files.writeString(config, """
                apiVersion: inference.networking.x-k8s.io/v1alpha1
                kind: EndpointPickerConfig
                plugins:
                - type: no-such-plugin
                """);
        CommandLine cl = Main.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute(
                        "epp",
                        "--manifests",
                        file.toString(),
                        "--config-file",
                        config.toString(),
                        "--grpc-port",
                        "0",
                        "--grpc-health-port",
                        "0",
                        "--metrics-port",
                        "-1"))
                .isEqualTo(1);
        assertThat(err.toString())
                .contains("bad-config.yaml")
                .contains("no-such-plugin")
                .contains("not started");

        StringWriter inline = new StringWriter();
        cl.setErr(new PrintWriter(inline, true));
        assertThat(cl.execute(
                        "epp",
                        "--manifests",
                        file.toString(),
                        "--config-text",
                        Files.readString(config),
                        "--grpc-port",
                        "0",
                        "--grpc-health-port",
                        "0",
                        "--metrics-port",
                        "-1"))
                .isEqualTo(1);
        assertThat(inline.toString())
                .contains("--config-text")
                .contains("no-such-plugin")
                .contains("not started");
    }
}
