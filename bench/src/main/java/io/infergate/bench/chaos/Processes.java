package io.infergate.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real processes of a chaos run: simulator replicas ({@code infergate sim}) and {@code infergate serve}
 * gateways, each a JVM started from a jar with its output in a log file of the work directory. Everything started
 * here is stopped by {@link #close} (SIGTERM, then SIGKILL after 5 s). Used by the scenario's thread only; the
 * start methods block until the process answers HTTP (or fail with an {@link IllegalStateException} naming its
 * log).
 */
public final class Processes implements AutoCloseable {

    /**
     * Where the JVM and jars are.
     *
     * @param java       the {@code java} executable
     * @param simJar     the jar whose {@code sim} command runs the replicas
     * @param gatewayJar the jar whose {@code serve} command runs the gateway (the product jar)
     * @param workDir    logs and configuration files go here
     */
    public record Setup(Path java, Path simJar, Path gatewayJar, Path workDir) {}

    // generous: a JVM's start on a busy 2-core machine has taken over a minute
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Setup setup;
    private final List<Process> started = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    // across instances: the scenarios of one run share the work directory
    private static final AtomicInteger LOGS = new AtomicInteger();

    public Processes(Setup setup) {
        this.setup = setup;
    }

    public Setup setup() {
        return setup;
    }

    /** A port free at the moment of asking (another process may take it before it is bound: rare on loopback). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ports free at the moment of asking: the first of {@code consecutive} consecutive ports (a multi-replica
     * {@code sim} uses port, port + 1, ...), then {@code singles} other ports; all are held at once while they are
     * chosen, so none of them overlap.
     */
    public static int[] freePorts(int consecutive, int singles) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] out = new int[1 + singles];
            for (int attempt = 0; ; attempt++) {
                ServerSocket first = new ServerSocket(0);
                List<ServerSocket> block = new ArrayList<>(List.of(first));
                try {
                    for (int i = 1; i < consecutive; i++) {
                        block.add(new ServerSocket(first.getLocalPort() + i));
                    }
                    held.addAll(block);
                    out[0] = first.getLocalPort();
                    break;
                } catch (IOException taken) {
                    for (ServerSocket s : block) {
                        s.close();
                    }
                    if (attempt > 100) {
                        throw taken;
                    }
                }
            }
            for (int i = 0; i < singles; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                out[1 + i] = s.getLocalPort();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // chosen anyway
                }
            }
        }
    }

    /**
     * Starts {@code sim --replicas replicas --port port --admin-port adminPort} plus {@code args}, and waits until
     * every replica answers {@code GET /v1/models}.
     */
    public Process sim(int replicas, int port, int adminPort, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                setup.java().toString(),
                "-Xss512k",
                "-jar",
                setup.simJar().toString(),
                "sim",
                "--replicas",
                Integer.toString(replicas),
                "--port",
                Integer.toString(port),
                "--admin-port",
                Integer.toString(adminPort)));
        cmd.addAll(args);
        Process p = start("sim-" + port, cmd);
        for (int i = 0; i < replicas; i++) {
            awaitHttp(p, URI.create("http://127.0.0.1:" + (port + i) + "/v1/models"));
        }
        return p;
    }

    /**
     * Starts {@code serve --config config --admin-port adminPort} with these JVM options and extra serve flags, and
     * waits until {@code /readyz} answers 200.
     */
    public Process gateway(Path config, int adminPort, List<String> jvmOptions, List<String> serveArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(setup.java().toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-jar",
                setup.gatewayJar().toString(),
                "serve",
                "--config",
                config.toString(),
                "--admin-port",
                Integer.toString(adminPort)));
        cmd.addAll(serveArgs);
        Process p = start("gateway", cmd);
        awaitHttp(p, URI.create("http://127.0.0.1:" + adminPort + "/readyz"));
        return p;
    }

    /**
     * Starts {@code epp --manifests manifests --pool-name pool} on loopback (ext_proc over TLS on {@code grpcPort},
     * as by default), and waits until its {@code /readyz} on {@code metricsPort} answers 200.
     */
    public Process epp(Path manifests, String pool, int grpcPort, int healthPort, int metricsPort) {
        Process p = start(
                "epp",
                List.of(
                        setup.java().toString(),
                        "-Xmx256m",
                        "-jar",
                        setup.gatewayJar().toString(),
                        "epp",
                        "--manifests",
                        manifests.toString(),
                        "--pool-name",
                        pool,
                        "--host",
                        "127.0.0.1",
                        "--grpc-port",
                        Integer.toString(grpcPort),
                        "--grpc-health-port",
                        Integer.toString(healthPort),
                        "--metrics-port",
                        Integer.toString(metricsPort)));
        awaitHttp(p, URI.create("http://127.0.0.1:" + metricsPort + "/readyz"));
        return p;
    }

    private Process start(String name, List<String> cmd) {
        Path log = setup.workDir().resolve(String.format("%02d-%s.log", LOGS.incrementAndGet(), name));
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd + ": " + e.getMessage(), e);
        }
    }

    private void awaitHttp(Process p, URI uri) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("process " + p.pid() + " exited with " + p.exitValue() + " before "
                        + uri + " answered: see " + setup.workDir());
            }
            if (get(uri) == 200) {
                return;
            }
            pause(200);
        }
        throw new IllegalStateException(uri + " did not answer within " + START_TIMEOUT + ": see " + setup.workDir());
    }

    /** The status of {@code GET uri}; -1 when there was no answer. */
    public int get(URI uri) {
        return send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build())
                .statusCode();
    }

    /** The body of {@code GET uri}; "" when there was no 200 answer. */
    public String body(URI uri) {
        Answer a = send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
        return a.statusCode() == 200 ? a.body() : "";
    }

    /** {@code method uri} with a JSON body; the status, -1 when there was no answer. */
    public int sendJson(String method, URI uri, String json) {
        return send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json))
                        .build())
                .statusCode();
    }

    private record Answer(int statusCode, String body) {}

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(-1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "");
        }
    }

    /** SIGKILL: the process gets no chance to close its connections. Waits until it is gone. */
    public static void kill9(Process p) {
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL after 5 s. */
    public static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                kill9(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /**
     * Waits {@code millis} of real time, as a load scenario's pacing needs (not a wait for a condition): on the JDK's
     * delayed executor, so the caller parks on a future. Returns early, with the interrupt flag set, if interrupted.
     */
    static void pause(long millis) {
        try {
            CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The loopback address of a port. */
    public static InetSocketAddress local(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            stop(p);
        }
        started.clear();
    }
}
