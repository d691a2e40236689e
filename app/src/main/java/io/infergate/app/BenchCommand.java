package io.infergate.app;

import io.infergate.bench.load.OpenLoopLoad;
import io.infergate.bench.load.Timeline;
import io.infergate.bench.sim.FleetModelStats;
import io.infergate.bench.sim.StreamingProbe;
import io.infergate.bench.sim.VirtualFleetRun;
import io.infergate.bench.stub.StubBackend;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.Preset;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infergate bench}: benchmarks. The two that measure the simulator itself, streaming workload load against a
 * live target ({@code load}), non-streaming HTTP load for a proxy's own overhead ({@code http-load}), a stub
 * backend, the JMH micro-benchmarks of the endpoint picker, the policy lab ({@code lab}) and its agreement with the
 * real gateway ({@code lab-vs-real}).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Benchmarks: the simulator's virtual-time speed and its real-time streaming capacity; streaming"
                + " workload load (load) and non-streaming HTTP load (http-load);"
                + " JMH micro-benchmarks of the endpoint picker; the policy lab (lab) and how close it is to the"
                + " real gateway (lab-vs-real); the simulator against published vLLM measurements (fidelity).",
        subcommands = {
            BenchCommand.SimLoop.class,
            BenchCommand.SimCapacity.class,
            StreamingLoadCommand.class,
            BenchCommand.HttpLoad.class,
            BenchCommand.StubBackendCommand.class,
            BenchCommand.Jmh.class,
            BenchLabCommand.class,
            BenchLabVsRealCommand.class,
            BenchFidelityCommand.class,
            BenchEppCommand.class,
            BenchChaosCommand.class
        })
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Simulated requests per second of real time in the discrete-event loop. */
    @Command(
            name = "sim-loop",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "Runs a seeded fleet of engines in virtual time and reports how fast it simulates.")
    static final class SimLoop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--engines",
                defaultValue = "8",
                description = "Engines in the fleet (default: ${DEFAULT-VALUE}).")
        int engines;

        @Option(names = "--requests", defaultValue = "100000", description = "Requests (default: ${DEFAULT-VALUE}).")
        int requests;

        @Option(
                names = "--rate",
                defaultValue = "200",
                description = "Arrivals per simulated second (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(
                names = "--shared-prefix",
                defaultValue = "0.3",
                description = "Share of requests with a common 1,000-token system prompt (default: ${DEFAULT-VALUE}).")
        double sharedPrefix;

        @Option(
                names = "--preset",
                defaultValue = "llama-3.1-8b-h100",
                description = "Engine preset (default: ${DEFAULT-VALUE}).")
        String preset;

        @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--repeat",
                defaultValue = "3",
                description = "Timed runs after one warm-up run (default: ${DEFAULT-VALUE}).")
        int repeat;

        @Override
        public Integer call() {
            EngineConfig config = Preset.byId(preset).config();
            VirtualFleetRun run = new VirtualFleetRun(config, engines, requests, rate, sharedPrefix, seed);
            PrintWriter out = spec.commandLine().getOut();
            run.run(); // warm-up: JIT
            for (int i = 0; i < repeat; i++) {
                VirtualFleetRun.Result r = run.run();
                out.printf(
                        Locale.ROOT,
                        "run %d: %,d requests, %,d tokens, %,d steps in %.1f s simulated, %.2f s real:"
                                + " %,.0f requests/s, %.0fx real time; TTFT p50 %d ms p99 %d ms; prefix hit %.1f%%,"
                                + " %d preemptions%n",
                        i + 1,
                        r.completed(),
                        r.outputTokens(),
                        r.steps(),
                        r.simulatedNanos() / 1e9,
                        r.wallNanos() / 1e9,
                        r.requestsPerRealSecond(),
                        r.speedup(),
                        r.ttftMillis().getValueAtPercentile(50),
                        r.ttftMillis().getValueAtPercentile(99),
                        r.prefixHitRate() * 100,
                        r.preemptions());
                out.flush();
            }
            return 0;
        }
    }

    /** Client-side TTFT and inter-token times of concurrent streams against running simulator replicas. */
    @Command(
            name = "sim-capacity",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "Closed-loop streaming load against simulator replicas; reports client-side TTFT and ITL.")
    static final class SimCapacity implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--target",
                required = true,
                split = ",",
                description = "Replica base URLs, e.g. http://127.0.0.1:8000 (repeat or comma-separate).")
        List<URI> targets;

        @Option(
                names = "--model",
                defaultValue = "meta-llama/Llama-3.1-8B-Instruct",
                description = "Model (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(
                names = "--streams",
                defaultValue = "64",
                description = "Concurrent streams (default: ${DEFAULT-VALUE}).")
        int streams;

        @Option(
                names = "--prompt-chars",
                defaultValue = "800",
                description = "Prompt characters (default: ${DEFAULT-VALUE}).")
        int promptChars;

        @Option(
                names = "--output-tokens",
                defaultValue = "200",
                description = "Tokens per request (default: ${DEFAULT-VALUE}).")
        int outputTokens;

        @Option(
                names = "--admin",
                description = "The simulator's admin URL: also report the model's inter-token time"
                        + " over the measured window and how far the clients' is from it.")
        URI admin;

        @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(
                names = "--duration",
                defaultValue = "20",
                description = "Measured seconds (default: ${DEFAULT-VALUE}).")
        int duration;

        @Override
        public Integer call() throws InterruptedException, IOException {
            StreamingProbe probe = new StreamingProbe(
                    targets,
                    model,
                    streams,
                    promptChars,
                    outputTokens,
                    Duration.ofSeconds(warmup),
                    Duration.ofSeconds(duration));
            HttpClient http = HttpClient.newHttpClient();
            // the probe's measured window starts after the warm-up; read the model's side at the same moments
            CompletableFuture<FleetModelStats[]> model = admin == null
                    ? null
                    : CompletableFuture.supplyAsync(
                            () -> modelWindow(http), Executors.newVirtualThreadPerTaskExecutor());
            StreamingProbe.Result r = probe.run();
            PrintWriter out = spec.commandLine().getOut();
            Histogram itl = r.itlMicros();
            Histogram ttft = r.ttftMicros();
            out.printf(
                    Locale.ROOT,
                    "streams=%d targets=%d completed=%d failed=%d tokens/s=%.0f%n",
                    streams,
                    targets.size(),
                    r.completed(),
                    r.failed(),
                    r.tokens() / r.seconds());
            out.printf(
                    Locale.ROOT,
                    "client ITL ms: mean %.2f p50 %.2f p90 %.2f p99 %.2f%n",
                    itl.getMean() / 1000,
                    itl.getValueAtPercentile(50) / 1000.0,
                    itl.getValueAtPercentile(90) / 1000.0,
                    itl.getValueAtPercentile(99) / 1000.0);
            out.printf(
                    Locale.ROOT,
                    "client TTFT ms: mean %.1f p50 %.1f p99 %.1f%n",
                    ttft.getMean() / 1000,
                    ttft.getValueAtPercentile(50) / 1000.0,
                    ttft.getValueAtPercentile(99) / 1000.0);
            if (model != null) {
                FleetModelStats[] window = model.join();
                double modelItl = window[1].meanItlMillisSince(window[0]);
                out.printf(
                        Locale.ROOT,
                        "model ITL ms: mean %.2f; client/model = %.3f (%+.1f%%)%n",
                        modelItl,
                        itl.getMean() / 1000 / modelItl,
                        (itl.getMean() / 1000 / modelItl - 1) * 100);
            }
            out.flush();
            return r.failed() == 0 ? 0 : 1;
        }

        private static void waitUntil(long deadline) {
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(left);
            }
        }

        private FleetModelStats[] modelWindow(HttpClient http) {
            try {
                long start = System.nanoTime();
                waitUntil(start + Duration.ofSeconds(warmup).toNanos());
                FleetModelStats before = FleetModelStats.read(http, admin);
                waitUntil(start + Duration.ofSeconds(warmup + duration).toNanos());
                return new FleetModelStats[] {before, FleetModelStats.read(http, admin)};
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Open-loop (fixed arrival rate) load of non-streaming completions against one URL or several in turn, or
     * closed-loop (--max) load against one: a proxy's own overhead ({@code scripts/bench-gateway*.sh}). The streaming
     * workload load is {@link StreamingLoadCommand}.
     */
    @Command(
            name = "http-load",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "Open-loop HTTP load at a fixed arrival rate (latency from the scheduled send time, so no"
                    + " coordinated omission), against one target or several taking turns; or with --max a closed"
                    + " loop for saturation throughput.")
    static final class HttpLoad implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--target",
                required = true,
                description = "URL to POST to, e.g. http://127.0.0.1:8000/v1/completions (a bare base URL gets"
                        + " /v1/completions). Open loop: repeat it to interleave several targets (see --slice).")
        List<URI> targets;

        @Option(
                names = "--slice",
                defaultValue = "1",
                description = "With several targets: they take turns in slices of this many seconds of one schedule,"
                        + " so all see the same background load (default: ${DEFAULT-VALUE}).")
        double slice;

        @Option(
                names = "--rate",
                defaultValue = "500",
                description = "Arrivals per second (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(
                names = "--arrivals",
                defaultValue = "POISSON",
                description = "POISSON or CONSTANT (default: ${DEFAULT-VALUE}).")
        OpenLoopLoad.Arrivals arrivals;

        @Option(
                names = "--duration",
                defaultValue = "20",
                description = "Measured seconds (default: ${DEFAULT-VALUE}).")
        double duration;

        @Option(
                names = "--warmup",
                defaultValue = "3",
                description = "Unrecorded seconds first (default: ${DEFAULT-VALUE}).")
        double warmup;

        @Option(
                names = "--body-bytes",
                defaultValue = "4096",
                description = "Request body size; the prompt (for a .../chat/completions target: the one user"
                        + " message) is padded to it (default: ${DEFAULT-VALUE}).")
        int bodyBytes;

        @Option(
                names = "--model",
                defaultValue = "meta-llama/Llama-3.1-8B-Instruct",
                description = "Model (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(
                names = "--max",
                description = "Closed loop: --connections connections back to back; reports saturation"
                        + " throughput (--rate is ignored).")
        boolean max;

        @Option(
                names = "--connections",
                defaultValue = "64",
                description = "--max: connections (default: ${DEFAULT-VALUE}). Open loop: the most connections to"
                        + " open per target, beyond that requests wait (default with no --max: 4096).")
        Integer connections;

        @Option(names = "--seed", defaultValue = "1", description = "Poisson seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--preconnect",
                defaultValue = "0",
                description = "Open loop: connections opened to each target before the schedule starts"
                        + " (default: ${DEFAULT-VALUE}).")
        int preconnect;

        @Option(names = "--timeline", description = "Also print requests, new connections and latency per second.")
        boolean timeline;

        @Option(
                names = "--prewarm",
                defaultValue = "0",
                description =
                        "Open loop: seconds of closed loop on 4 connections first, unrecorded, so this JVM's own"
                                + " JIT warm-up cannot build a backlog at the start of the schedule (default: ${DEFAULT-VALUE}).")
        double prewarm;

        @Override
        public Integer call() throws InterruptedException {
            List<URI> urls = targets.stream()
                    .map(t -> t.getRawPath() == null || t.getRawPath().isEmpty() || "/".equals(t.getRawPath())
                            ? t.resolve("/v1/completions")
                            : t)
                    .toList();
            if (max && urls.size() > 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max takes one --target");
            }
            byte[] body = OpenLoopLoad.bodyFor(urls.get(0), model, bodyBytes);
            var seconds = new Timeline();
            var load = new OpenLoopLoad(urls, body, OpenLoopLoad.Clock.SYSTEM, seconds, Duration.ofSeconds(10));
            Duration w = Duration.ofNanos((long) (warmup * 1e9));
            Duration d = Duration.ofNanos((long) (duration * 1e9));
            boolean connectionsGiven = spec.commandLine().getParseResult().hasMatchedOption("--connections");
            if (!max && prewarm > 0) {
                new OpenLoopLoad(urls.get(0), body)
                        .closedLoop(4, Duration.ofNanos((long) (prewarm * 1e9)), Duration.ZERO);
            }
            int limit = connectionsGiven ? connections : 4096;
            var results = max
                    ? List.of(load.closedLoop(connections, w, d))
                    : urls.size() == 1
                            ? List.of(load.openLoop(arrivals, rate, w, d, limit, preconnect, seed))
                            : load.interleaved(
                                    arrivals,
                                    rate,
                                    w,
                                    d,
                                    Duration.ofNanos((long) (slice * 1e9)),
                                    limit,
                                    preconnect,
                                    seed);
            PrintWriter out = spec.commandLine().getOut();
            long errors = 0;
            for (int i = 0; i < urls.size(); i++) {
                var r = results.get(i);
                errors += r.errors();
                out.printf(
                        Locale.ROOT,
                        "target=%s mode=%s rate=%s body=%d scheduled=%d completed=%d errors=%d"
                                + " achieved=%.1f connections=%d sent=%d%n",
                        urls.get(i),
                        max ? "max" : "open",
                        max ? "-" : String.format(Locale.ROOT, "%.0f", rate),
                        bodyBytes,
                        r.scheduled(),
                        r.completed(),
                        r.errors(),
                        r.achievedRate(),
                        r.connections(),
                        r.sent());
                print(out, max ? "latency ms (from send)" : "latency ms (from scheduled send)", r.latencyMicros());
                if (!max) {
                    print(out, "service ms (from actual send)", r.serviceMicros());
                }
            }
            if (timeline) {
                seconds.print(out);
            }
            out.flush();
            return errors == 0 ? 0 : 1;
        }

        private static void print(PrintWriter out, String label, Histogram h) {
            out.printf(
                    Locale.ROOT,
                    "%s: p50 %.3f p90 %.3f p99 %.3f max %.3f%n",
                    label,
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0);
        }
    }

    /** A trivial OpenAI-shaped backend that answers at once: the upstream for measuring a proxy's own cost. */
    @Command(
            name = "stub-backend",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "Answers POST /v1/chat/completions and /v1/completions at once with a fixed one-token JSON"
                    + " completion echoing the request's model (keep-alive, not streamed); GET /stats shows counters."
                    + " Runs until Ctrl-C or SIGTERM.")
    static final class StubBackendCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--host",
                defaultValue = "127.0.0.1",
                description = "Address to bind (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(
                names = "--port",
                defaultValue = "8000",
                description = "First port; 0 = ephemeral (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(
                names = "--ports",
                defaultValue = "1",
                description =
                        "Consecutive ports to serve from --port, like that many replicas (default: ${DEFAULT-VALUE}).")
        int ports;

        @Option(names = "--threads", defaultValue = "1", description = "Event loops (default: ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() throws InterruptedException {
            var stub = StubBackend.start(host, port, ports, threads);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                stub.close();
                                System.err.println("stub backend stopped: " + stub.stats());
                                stopped.countDown();
                            },
                            "stub-shutdown"));
            PrintWriter out = spec.commandLine().getOut();
            for (int p : stub.ports()) {
                out.println("stub backend listening on http://" + host + ":" + p);
            }
            out.flush();
            stopped.await();
            return 0;
        }
    }

    /**
     * JMH's own command line over the benchmarks in this jar ({@code io.infergate.bench.jmh}): every argument goes to
     * {@code org.openjdk.jmh.Main} unchanged, so {@code -h} is JMH's help and {@code -l} lists the benchmarks. Forked
     * benchmark JVMs get this JVM's class path (the fat jar) and flags. With no arguments it prints its usage and the
     * list instead of running everything with JMH's defaults (hours). {@code scripts/bench-jmh.sh} runs the set
     * documented in docs/benchmarks.md.
     */
    @Command(
            name = "jmh",
            versionProvider = VersionProvider.class,
            description = "Runs JMH benchmarks of the endpoint picker (DecisionBenchmark, ScrapeBenchmark,"
                    + " ScrapeHttpBenchmark) with JMH's own arguments, e.g.:"
                    + " infergate bench jmh DecisionBenchmark -p endpoints=64 -f 1 -prof gc;"
                    + " -h for JMH's options, -l to list.")
    static final class Jmh implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        // no options of its own, not even --help: everything, in order, is JMH's
        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (args.isEmpty()) {
                spec.commandLine().usage(spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
                org.openjdk.jmh.Main.main(new String[] {"-l"}); // FQN: io.infergate.app.Main is ours
                return 0;
            }
            // JMH exits the JVM itself on a bad command line
            org.openjdk.jmh.Main.main(args.toArray(new String[0])); // FQN: io.infergate.app.Main is ours
            return 0;
        }
    }
}
