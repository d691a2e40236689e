package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product jar as shipped (app/target/infergate.jar, built in the package phase before this runs): no larger
 * than {@link #LIMIT_BYTES} (a heavy optional capability ships as an add-on jar instead), no benchmarks inside,
 * one Jackson (3.x, the one fabric8 serializes with; Jackson 3 itself still uses the 2.x annotations package), and
 * {@code epp} run from it answers an ext_proc pick over TLS. The last proves that the shade filter keeping only
 * the Envoy API packages we reach left nothing out that protobuf loads at class init, that gRPC runs on our Netty
 * with the JDK's TLS, and that the self-signed certificate works in a handshake.
 */
class ProductJarIT {

    /** 35 MB (decimal). */
    static final long LIMIT_BYTES = 35_000_000;

    private static final Path JAR = Path.of("target", "infergate.jar");

    @TempDir
    Path dir;

    @Test
    void staysWithinTheSizeLimitAndLeavesTheBenchmarksOut() throws IOException {
        assertThat(JAR).exists();
        assertThat(Files.size(JAR)).as("size of %s in bytes", JAR).isLessThanOrEqualTo(LIMIT_BYTES);
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            assertThat(zip.getEntry("org/openjdk/jmh/Main.class")).as("JMH").isNull();
            assertThat(zip.getEntry("io/infergate/app/BenchCommand.class")).isNull();
            assertThat(zip.getEntry("META-INF/BenchmarkList")).isNull();
            assertThat(zip.getEntry("io/infergate/app/MissingBench.class")).isNotNull();
            assertThat(zip.stream()
                            .filter(e -> e.getName().startsWith("io/grpc/netty/shaded/"))
                            .count())
                    .isZero();
            assertThat(zip.stream()
                            .filter(e -> e.getName().startsWith("org/bouncycastle/"))
                            .count())
                    .isZero();
            assertThat(zip.stream()
                            .filter(e -> e.getName().startsWith("io/vertx/"))
                            .count())
                    .isZero();
            assertThat(zip.getEntry("tools/jackson/databind/ObjectMapper.class"))
                    .as("Jackson 3")
                    .isNotNull();
            assertThat(zip.stream()
                            .filter(e -> e.getName().startsWith("com/fasterxml/jackson/core/")
                                    || e.getName().startsWith("com/fasterxml/jackson/databind/"))
                            .count())
                    .as("Jackson 2")
                    .isZero();
        }
        Path bench = JAR.resolveSibling("infergate-bench.jar");
        try (ZipFile zip = new ZipFile(bench.toFile())) {
            assertThat(zip.getEntry("org/openjdk/jmh/Main.class")).isNotNull();
            assertThat(zip.getEntry("io/infergate/app/BenchCommand.class")).isNotNull();
        }
    }

    @Test
    void helpStillListsBenchAndBenchSaysWhereItIs() throws Exception {
        assertThat(run(List.of("--help")).output())
                .contains("bench")
                .contains("serve")
                .contains("epp");
        Result bench = run(List.of("bench", "lab"));
        assertThat(bench.exit()).isEqualTo(2);
        assertThat(bench.output()).contains("./infergate bench lab").contains("infergate-bench.jar");
    }

    private record Result(int exit, String output) {}

    private Result run(List<String> args) throws Exception {
        Process p = start(args);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(dir.resolve("last.log")));
    }

    private Process start(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(args);
        Path last = dir.resolve("last.log");
        Files.deleteIfExists(last);
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(last.toFile())
                .start();
    }

    @Test
    void eppFromTheJarPicksOverTls() throws Exception {
        Path pool = dir.resolve("pool.yaml");
        Files.writeString(pool, """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, namespace: llm}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p0, namespace: llm, labels: {app: vllm}}
                status: {podIP: 10.1.0.1}
                """, StandardCharsets.UTF_8);
        int grpc = freePort();
        int health = freePort();
        Process epp = start(List.of(
                "epp",
                "--manifests",
                pool.toString(),
                "--grpc-port",
                Integer.toString(grpc),
                "--grpc-health-port",
                Integer.toString(health),
                "--metrics-port",
                "-1",
                "--host",
                "127.0.0.1",
                "--refresh-metrics-interval",
                "0"));
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1",
                        grpc,
                        TlsChannelCredentials.newBuilder()
                                .trustManager(InsecureTrustManagerFactory.INSTANCE.getTrustManagers())
                                .build())
                .build();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(epp.isAlive()).as(() -> log()).isTrue();
                assertThat(EnvoyProbe.headerOnlyPick(channel)).isEqualTo("10.1.0.1:8000");
            });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            epp.destroy();
            epp.waitFor(20, TimeUnit.SECONDS);
        }
        assertThat(log()).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("last.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
