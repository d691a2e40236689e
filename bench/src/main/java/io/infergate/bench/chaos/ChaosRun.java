package io.infergate.bench.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * The real-socket half of the reliability suite ({@code infergate bench chaos}, docs/reliability.md): a real
 * {@code serve} process over simulator processes, on loopback, put through faults, resource attacks, many
 * long-lived streams and overload. Each scenario prints one Markdown row per case as it finishes and returns its
 * {@link Table}. Nothing is asserted: the tables report what the gateway did, and every client has its own
 * deadline, so a gateway that hangs makes a row of "hung" requests, never a run that does not end.
 *
 * <p>Blocks its caller for the whole run; one scenario at a time. Processes it starts are stopped before a scenario
 * returns.
 */
public final class ChaosRun {

    /**
     * Sizes and durations.
     *
     * @param gatewayJvm     the gateway's JVM options (e.g. {@code -Xmx512m})
     * @param faultRate      faults: requests per second
     * @param faultDuration  faults: seconds of load per case
     * @param maxTokens      faults: tokens per streamed request
     * @param ttl            every request's deadline, from its scheduled start
     * @param attackDuration attacks: how long each attack is held while normal requests run
     * @param normalRate     attacks and scale: normal (non-streamed) requests per second
     * @param slowloris      attacks: slowloris connections
     * @param unsentBodies   attacks: HTTP/1.1 connections with a declared, unsent body
     * @param declaredBytes  attacks: the declared body size
     * @param h2Connections  attacks: h2c connections
     * @param h2Streams      attacks: HEADERS without DATA per h2c connection
     * @param uniqueModels   attacks: requests per second with a unique 1 KB model name
     * @param slowReaders    attacks: streaming clients reading 64 bytes every 200 ms
     * @param streams        scale: concurrent long-lived streams
     * @param streamTokens   scale: tokens per stream (one a second)
     * @param streamRamp     scale: new streams a second until all are open
     * @param stepDuration   overload: seconds per rate of the capacity search, and of the unloaded run
     * @param overloadDuration overload: seconds at twice the capacity, per flow-control mode
     */
    public record Settings(
            List<String> gatewayJvm,
            double faultRate,
            Duration faultDuration,
            int maxTokens,
            Duration ttl,
            Duration attackDuration,
            double normalRate,
            int slowloris,
            int unsentBodies,
            long declaredBytes,
            int h2Connections,
            int h2Streams,
            double uniqueModels,
            int slowReaders,
            int streams,
            int streamTokens,
            double streamRamp,
            Duration stepDuration,
            Duration overloadDuration) {}

    private static final String RETRIES = "infergate_upstream_retries_total";

    private final Processes.Setup setup;
    private final Settings settings;
    private final PrintWriter out;

    public ChaosRun(Processes.Setup setup, Settings settings, PrintWriter out) {
        this.setup = setup;
        this.settings = settings;
        this.out = out;
    }

    /** The 1, 5 and 15 minute load averages of the machine, "?" when unknown (not Linux). */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private void print(String s) {
        out.println(s);
        out.flush();
    }

    // ---------------------------------------------------------------- faults

    /** Faults under streaming load: one row per fault. */
    public Table faults() throws InterruptedException, IOException {
        Table t = new Table(
                "Faults",
                List.of(
                        "fault",
                        "requests",
                        "completed",
                        "cleanly failed",
                        "retried",
                        "unmapped",
                        "lost",
                        "hung",
                        "TTFT p50 ms",
                        "TTFT p99 ms",
                        "examples"));
        print("\n### Faults (" + settings.faultRate() + " streamed req/s, "
                + settings.faultDuration().toSeconds() + " s per fault, " + settings.maxTokens()
                + " tokens each; load average " + loadAverage() + ")\n");
        print(t.header());
        int replicas = 3;
        List<Integer> ports = new ArrayList<>();
        List<Integer> admins = new ArrayList<>();
        try (Processes procs = new Processes(setup)) {
            List<Process> sims = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                int port = Processes.freePort();
                int admin = Processes.freePort();
                ports.add(port);
                admins.add(admin);
                sims.add(procs.sim(1, port, admin, List.of("--seed", Integer.toString(i + 1))));
            }
            int gwPort = Processes.freePort();
            int gwAdmin = Processes.freePort();
            Path config = setup.workDir().resolve("faults.yaml");
            Files.writeString(config, Manifests.gateway("pool", gwPort, ports, false, List.of()));
            procs.gateway(config, gwAdmin, settings.gatewayJvm(), List.of("--reload-debounce", "200ms"));
            InetSocketAddress gw = Processes.local(gwPort);
            byte[] request = ChaosClient.post(
                    "/v1/completions",
                    Manifests.completion(Manifests.BASE_MODEL, 200, settings.maxTokens(), true),
                    Map.of());
            URI metrics = URI.create("http://127.0.0.1:" + gwAdmin + "/metrics");
            IntFunction<byte[]> same = i -> request;

            // warm-up, unrecorded: the gateway's JIT, the replicas' first requests
            OpenLoop.run(
                    settings.faultRate(),
                    Duration.ofSeconds(3),
                    settings.ttl(),
                    (i, start, deadline) -> ChaosClient.call(gw, request, start, deadline, ChaosClient.Pace.FAST));
            faultRow(t, procs, metrics, "none (baseline)", gw, same, () -> {});
            faultRow(t, procs, metrics, "replica kill -9 mid-stream (1 of 3)", gw, same, () -> {
                Processes.pause(settings.faultDuration().toMillis() / 3);
                Processes.kill9(sims.get(2));
            });
            // the killed replica comes back on its ports for the next cases
            try {
                sims.set(2, procs.sim(1, ports.get(2), admins.get(2), List.of("--seed", "3")));
            } catch (IllegalStateException e) {
                print("replica restart after kill -9 failed (" + e.getMessage()
                        + "): the next cases run on 2 replicas");
            }
            // injected faults are set before the load starts, and the row says when the simulator refused them
            faults(procs, admins.get(0), "{\"errorRate\":0.3,\"errorStatuses\":[500,503]}");
            faultRow(t, procs, metrics, "injected 5xx (30 % of replica 0: 500/503)", gw, same, () -> {});
            clearFaults(procs, admins);
            faults(procs, admins.get(0), "{\"crashAfterChunks\":5,\"crashRate\":0.5}");
            faultRow(t, procs, metrics, "crashed streams (50 % of replica 0 reset after 5 events)", gw, same, () -> {});
            clearFaults(procs, admins);
            for (String m : List.of("garbled", "slow", "failing")) {
                for (int a : admins) {
                    faults(procs, a, "{\"metricsFault\":\"" + m + "\"}");
                }
                faultRow(t, procs, metrics, "/metrics " + m + " (all replicas)", gw, same, () -> {});
                clearFaults(procs, admins);
            }
            faultRow(t, procs, metrics, "config rewritten every 1 s (pool of 3, then 2, ...)", gw, same, () -> {
                long end = System.nanoTime() + settings.faultDuration().toNanos();
                for (int k = 1; System.nanoTime() < end; k++) {
                    List<Integer> now = k % 2 == 1 ? ports.subList(0, 2) : ports;
                    try {
                        Files.writeString(config, Manifests.gateway("pool", gwPort, now, false, List.of()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    Processes.pause(1000);
                }
            });
            pickerDown(t, procs, metrics, config, gwPort, gwAdmin, ports, gw, same);
        }
        return t;
    }

    /**
     * The pool's external endpoint picker down, under each failure mode: an {@code infergate epp} killed (SIGKILL) a
     * third into the case, and a picker that accepts connections and never answers, so that every request waits
     * for the picker client's timeout. FailOpen must route to the pool, FailClose must answer 503
     * {@code endpoint_picker_unavailable}. Ends with the in-process picker again.
     */
    private void pickerDown(
            Table t,
            Processes procs,
            URI metrics,
            Path config,
            int gwPort,
            int gwAdmin,
            List<Integer> ports,
            InetSocketAddress gw,
            IntFunction<byte[]> request)
            throws IOException, InterruptedException {
        // the picker's own view of the pool: the same pool without a picker reference, so that it picks itself
        Path eppPool = setup.workDir().resolve("epp-pool.yaml");
        Files.writeString(eppPool, Manifests.gateway("pool", gwPort, ports, false, List.of()));
        URI pools = URI.create("http://127.0.0.1:" + gwAdmin + "/api/pools");
        for (String mode : List.of("FailOpen", "FailClose")) {
            int grpc = Processes.freePort();
            Process epp = procs.epp(eppPool, "pool", grpc, Processes.freePort(), Processes.freePort());
            usePicker(procs, config, pools, gwPort, ports, grpc, mode);
            // warm-up, unrecorded: the picker's channel and TLS handshake, its first picks; the kill then hits a
            // picker in use, not one still being connected to
            OpenLoop.run(
                    settings.faultRate(),
                    Duration.ofSeconds(3),
                    settings.ttl(),
                    (i, start, deadline) ->
                            ChaosClient.call(gw, request.apply(i), start, deadline, ChaosClient.Pace.FAST));
            faultRow(t, procs, metrics, "endpoint picker kill -9 mid-case (" + mode + ")", gw, request, () -> {
                Processes.pause(settings.faultDuration().toMillis() / 3);
                Processes.kill9(epp);
            });
        }
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        // closed in reverse order: the socket first, which ends the accept loop the executor then waits for
        try (ExecutorService acceptor = Executors.newVirtualThreadPerTaskExecutor();
                ServerSocket silent = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress())) {
            acceptor.submit(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept()); // held open, never read from nor written to
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            for (String mode : List.of("FailOpen", "FailClose")) {
                usePicker(procs, config, pools, gwPort, ports, silent.getLocalPort(), mode);
                faultRow(t, procs, metrics, "endpoint picker never answers (" + mode + ")", gw, request, () -> {});
            }
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
        Files.writeString(config, Manifests.gateway("pool", gwPort, ports, false, List.of()));
    }

    /**
     * Rewrites the gateway's config so that the pool's picker is the one at {@code pickerPort} with {@code mode},
     * and waits (at most 30 s) until the gateway's {@code /api/pools} shows it; prints a line when it does not.
     */
    private void usePicker(
            Processes procs, Path config, URI pools, int gwPort, List<Integer> ports, int pickerPort, String mode)
            throws IOException {
        Files.writeString(config, Manifests.gatewayWithPicker("pool", gwPort, ports, pickerPort, mode));
        String expected = ":" + pickerPort + " (TLS, " + mode + ")";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!procs.body(pools).contains(expected)) {
            if (System.nanoTime() > deadline) {
                print("the gateway did not take the picker " + expected + " within 30 s: the row is not about it");
                return;
            }
            Processes.pause(200);
        }
    }

    private void faults(Processes procs, int admin, String json) {
        admin(procs, "PATCH", admin, json);
    }

    private void clearFaults(Processes procs, List<Integer> admins) {
        for (int a : admins) {
            admin(procs, "PUT", a, "{}");
        }
    }

    /** A simulator admin call, tried three times; a failure is printed (the row then shows no effect of it). */
    private void admin(Processes procs, String method, int admin, String json) {
        int status = -1;
        for (int attempt = 0; attempt < 3 && status != 200; attempt++) {
            status = procs.sendJson(method, URI.create("http://127.0.0.1:" + admin + "/replicas/0/faults"), json);
        }
        if (status != 200) {
            print("fault injection failed: " + method + " " + json + " on admin port " + admin + ": status " + status);
        }
    }

    private void faultRow(
            Table t,
            Processes procs,
            URI metrics,
            String name,
            InetSocketAddress gw,
            IntFunction<byte[]> request,
            Runnable fault)
            throws InterruptedException {
        long retriesBefore = counter(procs.body(metrics), RETRIES);
        Future<?> f;
        List<Outcome> outcomes;
        try (ExecutorService side = Executors.newVirtualThreadPerTaskExecutor()) {
            f = side.submit(fault);
            outcomes = OpenLoop.run(
                    settings.faultRate(),
                    settings.faultDuration(),
                    settings.ttl(),
                    (i, start, deadline) ->
                            ChaosClient.call(gw, request.apply(i), start, deadline, ChaosClient.Pace.FAST));
            f.cancel(true);
        }
        long retriesAfter = counter(procs.body(metrics), RETRIES);
        Tally tally = Tally.of(outcomes);
        print(t.add(
                name,
                tally.requests(),
                tally.completed(),
                tally.failed(),
                retriesBefore < 0 || retriesAfter < 0 ? "?" : Long.toString(retriesAfter - retriesBefore),
                tally.unmapped(),
                tally.lost(),
                tally.hung(),
                tally.ttftMillis(50),
                tally.ttftMillis(99),
                String.join("; ", tally.examples())));
    }

    /**
     * The sum of a Prometheus counter's samples over all label sets: 0 when the text has none (a counter is
     * exported once it has counted), -1 when there is no text (the scrape failed).
     */
    static long counter(String metricsText, String name) {
        if (metricsText.isEmpty()) {
            return -1;
        }
        double sum = 0;
        boolean found = false;
        for (String line : metricsText.split("\n")) {
            if (line.startsWith(name)
                    && (line.length() == name.length()
                            || line.charAt(name.length()) == '{'
                            || line.charAt(name.length()) == ' ')) {
                String[] f = line.trim().split("\\s+");
                try {
                    sum += Double.parseDouble(f[f.length - 1]);
                    found = true;
                } catch (NumberFormatException e) {
                    // not a sample line
                }
            }
        }
        return found ? Math.round(sum) : 0;
    }

    // ---------------------------------------------------------------- resource attacks

    /** Resource attacks: one row per attack, each against a fresh gateway so RSS starts from the same place. */
    public Table attacks() throws InterruptedException, IOException {
        Table t = new Table(
                "Resource attacks",
                List.of(
                        "attack",
                        "size",
                        "RSS before MB",
                        "RSS peak MB",
                        "RSS growth MB",
                        "fds before",
                        "fds peak",
                        "fd limit",
                        "attack connections closed or reset / not opened",
                        "h2 resets",
                        "normal p99 ms",
                        "unloaded p99 ms",
                        "normal completed/failed/unmapped/lost/hung",
                        "/metrics KB after",
                        "gateway alive"));
        print("\n### Resource attacks (each held " + settings.attackDuration().toSeconds() + " s; normal requests "
                + settings.normalRate() + "/s, non-streamed, 8 tokens; gateway " + settings.gatewayJvm()
                + "; load average "
                + loadAverage() + ")\n");
        print(t.header());
        try (Processes procs = new Processes(setup)) {
            int[] sim = Processes.freePorts(2, 1);
            int simPort = sim[0];
            procs.sim(2, simPort, sim[1], List.of());
            List<Integer> ports = List.of(simPort, simPort + 1);
            double unloaded = Double.NaN;
            record Case(String name, String size, Attack attack) {}
            List<Case> cases = List.of(
                    new Case("none (unloaded)", "-", gw -> null),
                    new Case(
                            "slowloris",
                            settings.slowloris() + " connections, 1 header byte/s",
                            gw -> Attacks.slowloris(gw, settings.slowloris(), 1000)),
                    new Case(
                            "HTTP/1.1 declared-but-unsent body",
                            settings.unsentBodies() + " connections x " + settings.declaredBytes() + " B declared",
                            gw -> Attacks.unsentBodies(gw, settings.unsentBodies(), settings.declaredBytes())),
                    new Case(
                            "h2c HEADERS without DATA",
                            settings.h2Connections() + " connections x " + settings.h2Streams() + " streams x "
                                    + settings.declaredBytes() + " B declared",
                            gw -> Attacks.h2UnsentBodies(
                                    gw, settings.h2Connections(), settings.h2Streams(), settings.declaredBytes())),
                    new Case(
                            "unique model names",
                            settings.uniqueModels() + " req/s, 1 KB names",
                            gw -> uniqueModels(gw, settings.uniqueModels())),
                    new Case(
                            "slow readers",
                            settings.slowReaders() + " streams read at 320 B/s",
                            gw -> slowReaders(gw, settings.slowReaders())));
            for (Case c : cases) {
                int gwPort = Processes.freePort();
                int gwAdmin = Processes.freePort();
                Path config = setup.workDir().resolve("attacks.yaml");
                Files.writeString(config, Manifests.gateway("pool", gwPort, ports, false, List.of()));
                Process gateway = procs.gateway(config, gwAdmin, settings.gatewayJvm(), List.of());
                InetSocketAddress gw = Processes.local(gwPort);
                normal(gw, 2, Duration.ofSeconds(2)); // warm-up, unrecorded
                ProcStats before = ProcStats.of(gateway.pid());
                Sampler sampler = Sampler.start(gateway.pid());
                Tally normal;
                AutoCloseable attack = c.attack().start(gw);
                try {
                    normal = normal(gw, settings.normalRate(), settings.attackDuration());
                } finally {
                    closeQuietly(attack);
                }
                ProcStats peak = sampler.stop();
                boolean alive = gateway.isAlive();
                String metricsText = alive ? procs.body(URI.create("http://127.0.0.1:" + gwAdmin + "/metrics")) : "";
                double p99 = normal.latencyMillis(99);
                if (c.size().equals("-")) {
                    unloaded = p99;
                }
                Attacks.Held held = attack instanceof Attacks.Held h ? h : null;
                print(t.add(
                        c.name(),
                        c.size(),
                        before.rssMb(),
                        peak.rssMb(),
                        peak.rssMb() - before.rssMb(),
                        before.fds(),
                        peak.fds(),
                        before.fdSoftLimit(),
                        held == null ? "-" : held.closedByPeer() + " / " + held.refused(),
                        held == null ? "-" : Integer.toString(held.resets()),
                        p99,
                        unloaded,
                        normal.completed() + "/" + normal.failed() + "/" + normal.unmapped() + "/" + normal.lost() + "/"
                                + normal.hung(),
                        metricsText.isEmpty() ? Double.NaN : metricsText.length() / 1024.0,
                        alive ? "yes" : "no (exit " + gateway.exitValue() + ")"));
                Processes.stop(gateway);
            }
        }
        return t;
    }

    /** An attack, started against the gateway's address; {@code null} for none. */
    @FunctionalInterface
    private interface Attack {
        AutoCloseable start(InetSocketAddress gateway);
    }

    private Tally normal(InetSocketAddress gw, double rate, Duration duration) throws InterruptedException {
        byte[] request = ChaosClient.post(
                "/v1/completions", Manifests.completion(Manifests.BASE_MODEL, 200, 8, false), Map.of());
        return Tally.of(OpenLoop.run(
                rate,
                duration,
                settings.ttl(),
                (i, start, deadline) -> ChaosClient.call(gw, request, start, deadline, ChaosClient.Pace.FAST)));
    }

    private AutoCloseable uniqueModels(InetSocketAddress gw, double rate) {
        return background(() -> OpenLoop.run(rate, settings.attackDuration(), settings.ttl(), (i, start, deadline) -> {
            String name = String.format(Locale.ROOT, "attack-%08d-", i) + "m".repeat(1000);
            return ChaosClient.call(
                    gw,
                    ChaosClient.post("/v1/completions", Manifests.completion(name, 20, 1, false), Map.of()),
                    start,
                    deadline,
                    ChaosClient.Pace.FAST);
        }));
    }

    private AutoCloseable slowReaders(InetSocketAddress gw, int n) {
        byte[] request = ChaosClient.post(
                "/v1/completions", Manifests.completion(Manifests.BASE_MODEL, 200, 4000, true), Map.of());
        // each reader's deadline is the attack's end: it is then closed like any other attack connection
        return background(() -> OpenLoop.run(
                n,
                0,
                settings.attackDuration(),
                (i, start, deadline) ->
                        ChaosClient.call(gw, request, start, deadline, new ChaosClient.Pace(64, 200_000_000L, 4096))));
    }

    private interface Job {
        Object run() throws InterruptedException;
    }

    /** Runs {@code job} on a virtual thread; closing interrupts it and waits for it. */
    private static AutoCloseable background(Job job) {
        Thread th = Thread.ofVirtual().start(() -> {
            try {
                job.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return () -> {
            th.interrupt();
            th.join(Duration.ofSeconds(30));
        };
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // the attack is over either way
        }
    }

    /** The largest RSS and descriptor count of a process, sampled every 200 ms on a scheduler thread of its own. */
    private static final class Sampler {
        private final AtomicLong rss = new AtomicLong(-1);
        private final AtomicLong fds = new AtomicLong(-1);
        private final AtomicReference<ProcStats> last = new AtomicReference<>(ProcStats.UNKNOWN);
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

        static Sampler start(long pid) {
            Sampler s = new Sampler();
            s.scheduler.scheduleAtFixedRate(() -> s.sample(pid), 0, 200, TimeUnit.MILLISECONDS);
            return s;
        }

        private void sample(long pid) {
            ProcStats p = ProcStats.of(pid);
            rss.accumulateAndGet(p.rssKb(), Math::max);
            fds.accumulateAndGet(p.fds(), Math::max);
            if (p.fdSoftLimit() >= 0) {
                last.set(p);
            }
        }

        ProcStats stop() throws InterruptedException {
            scheduler.shutdownNow();
            scheduler.awaitTermination(10, TimeUnit.SECONDS); // a /proc read in progress
            return new ProcStats(
                    rss.get(),
                    (int) fds.get(),
                    last.get().fdSoftLimit(),
                    last.get().cpuMillis());
        }
    }

    // ---------------------------------------------------------------- scale

    /** Streams per h2c connection in the scale case: the gateway's default cap, so none is refused. */
    static final int STREAMS_PER_CONNECTION = 100;

    /**
     * Many long-lived streams (a token a second, over h2c: {@link H2Streams}) through one gateway, with normal
     * requests on a second listener of the same gateway over a fast pool, measured before and during.
     */
    public Table scale() throws InterruptedException, IOException {
        Table t = new Table(
                "Scale",
                List.of(
                        "streams",
                        "completed",
                        "cleanly failed",
                        "unmapped",
                        "lost",
                        "hung",
                        "stream TTFT p99 ms",
                        "RSS before MB",
                        "RSS peak MB",
                        "KB per stream",
                        "fds peak",
                        "fd limit",
                        "normal p99 ms during",
                        "normal p99 ms unloaded",
                        "gateway CPU s",
                        "gateway"));
        int n = settings.streams();
        print("\n### Scale (" + n + " streams of " + settings.streamTokens() + " tokens, one a second, opened at "
                + settings.streamRamp() + "/s over " + (n + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION
                + " h2c connections; gateway "
                + settings.gatewayJvm() + "; load average " + loadAverage() + ")\n");
        print(t.header());
        try (Processes procs = new Processes(setup)) {
            int[] slowPorts = Processes.freePorts(2, 1);
            int slow = slowPorts[0];
            procs.sim(
                    2,
                    slow,
                    slowPorts[1],
                    List.of(
                            "--min-step-ms",
                            "1000",
                            "--max-num-seqs",
                            Integer.toString(n),
                            "--num-gpu-blocks",
                            Integer.toString(n * 4 + 64),
                            "--max-num-batched-tokens",
                            Integer.toString(Math.max(8192, n * 64))));
            int fast = Processes.freePort();
            procs.sim(1, fast, Processes.freePort(), List.of());
            int slowGw = Processes.freePort();
            int fastGw = Processes.freePort();
            int admin = Processes.freePort();
            Path config = setup.workDir().resolve("scale.yaml");
            Files.writeString(
                    config,
                    Manifests.gateway("slow", slowGw, List.of(slow, slow + 1), false, List.of()) + "---\n"
                            + Manifests.gateway("fast", fastGw, List.of(fast), false, List.of()));
            Process gateway = procs.gateway(config, admin, settings.gatewayJvm(), List.of());
            InetSocketAddress normalGw = Processes.local(fastGw);
            normal(normalGw, 2, Duration.ofSeconds(2)); // warm-up
            Tally unloaded = normal(normalGw, settings.normalRate(), Duration.ofSeconds(5));
            ProcStats before = ProcStats.of(gateway.pid());
            Sampler sampler = Sampler.start(gateway.pid());
            byte[] request = Manifests.completion(Manifests.BASE_MODEL, 40, settings.streamTokens(), true)
                    .getBytes(StandardCharsets.UTF_8);
            long rampNanos = (long) (1e9 / settings.streamRamp());
            Duration ttl = settings.ttl().plus(Duration.ofSeconds(settings.streamTokens() * 3L));
            AtomicReference<List<Outcome>> streams = new AtomicReference<>(List.of());
            Tally during;
            // h2c, STREAMS_PER_CONNECTION streams a connection: the gateway holds a descriptor per connection on
            // the client side instead of one per stream, so 10,000 streams fit a descriptor limit of 20,000
            int connections = (n + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION;
            try (H2Streams h2 = H2Streams.open(Processes.local(slowGw), connections)) {
                Thread load = Thread.ofVirtual().start(() -> {
                    try {
                        streams.set(OpenLoop.run(
                                n,
                                rampNanos,
                                ttl,
                                (i, start, deadline) -> h2.call(i, "/v1/completions", request, start, deadline)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                // the normal requests while the streams are all open: after the ramp, for half the streams' length
                Processes.pause(n * rampNanos / 1_000_000 + 1000);
                during = normal(
                        normalGw, settings.normalRate(), Duration.ofSeconds(Math.max(3, settings.streamTokens() / 2)));
                load.join();
            }
            ProcStats peak = sampler.stop();
            Tally s = Tally.of(streams.get());
            print(t.add(
                    n,
                    s.completed(),
                    s.failed(),
                    s.unmapped(),
                    s.lost(),
                    s.hung(),
                    s.ttftMillis(99),
                    before.rssMb(),
                    peak.rssMb(),
                    (peak.rssKb() - before.rssKb()) / (double) n,
                    peak.fds(),
                    peak.fdSoftLimit(),
                    during.latencyMillis(99),
                    unloaded.latencyMillis(99),
                    peak.cpuMillis() < 0 || before.cpuMillis() < 0
                            ? Double.NaN
                            : (peak.cpuMillis() - before.cpuMillis()) / 1000.0,
                    gateway.isAlive() ? "alive" : "exited " + gateway.exitValue()));
            if (!s.examples().isEmpty()) {
                print("examples: " + String.join("; ", s.examples()));
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- overload

    private static final List<String[]> CLASSES =
            List.of(new String[] {"critical", "Critical"}, new String[] {"standard", "Standard"}, new String[] {
                "sheddable", "Sheddable"
            });

    /** The class of request {@code i} in the 20 % / 50 % / 30 % mix: deterministic, interleaved. */
    static int classOf(int i) {
        int k = i % 10;
        return k < 2 ? 0 : k < 7 ? 1 : 2;
    }

    /**
     * Overload in real time: the capacity (the highest rate whose every request has TTFT <= 2 s, flow control off),
     * the unloaded TTFT, then twice the capacity with flow control off and on.
     */
    public Table overload() throws InterruptedException, IOException {
        Table t = new Table(
                "Overload (real time)",
                List.of(
                        "run",
                        "rate req/s",
                        "class",
                        "requests",
                        "completed",
                        "shed 429",
                        "with Retry-After",
                        "other failed",
                        "unmapped",
                        "unanswered",
                        "TTFT p50 ms",
                        "TTFT p90 ms"));
        print("\n### Overload (real time): 3 replicas (--max-num-seqs 8 --min-step-ms 25), 1,000-character prompts, "
                + "64 tokens, 20 % Critical / 50 % Standard / 30 % Sheddable; load average " + loadAverage() + "\n");
        try (Processes procs = new Processes(setup)) {
            int[] sim = Processes.freePorts(3, 1);
            int simPort = sim[0];
            procs.sim(3, simPort, sim[1], List.of("--max-num-seqs", "8", "--min-step-ms", "25"));
            List<Integer> ports = List.of(simPort, simPort + 1, simPort + 2);
            // capacity: flow control off, rates growing by half until one misses TTFT <= 2 s
            double capacity = 0;
            Process gateway = null;
            int gwPort = Processes.freePort();
            Path config = setup.workDir().resolve("overload.yaml");
            Files.writeString(config, Manifests.gateway("pool", gwPort, ports, false, CLASSES));
            gateway = procs.gateway(config, Processes.freePort(), settings.gatewayJvm(), List.of());
            InetSocketAddress gw = Processes.local(gwPort);
            // warm-up, unrecorded: the gateway's JIT, so that its first requests do not decide the capacity
            mixed(gw, 2, Duration.ofSeconds(10));
            // the highest passing rate: the search goes on past one failing rate (a single shed or slow request on
            // a noisy machine) and stops after two failing rates in a row
            int failures = 0;
            for (double rate = 0.5; rate <= 200 && failures < 2; rate *= 1.5) {
                // at least 12 requests per rate, so that low rates are not judged on a handful
                Duration step = Duration.ofMillis(
                        Math.max(settings.stepDuration().toMillis(), (long) Math.ceil(12 / rate * 1000)));
                List<Outcome> o = mixed(gw, rate, step);
                boolean ok = o.stream().allMatch(x -> x instanceof Outcome.Completed c && c.ttftNanos() <= 2e9);
                Tally all = Tally.of(o);
                print(String.format(
                        Locale.ROOT,
                        "capacity search: %.2f req/s: %d requests, %d completed, %d shed, TTFT p99 %.0f ms: %s",
                        rate,
                        all.requests(),
                        all.completed(),
                        all.shed(),
                        all.ttftMillis(99),
                        ok ? "all within 2 s" : "not all within 2 s"));
                if (ok) {
                    capacity = rate;
                    failures = 0;
                } else {
                    failures++;
                }
            }
            double base = capacity > 0 ? capacity : 0.5; // none passed: the lowest rate tried
            print(String.format(
                    Locale.ROOT,
                    "capacity: %.2f req/s%s%n",
                    capacity,
                    capacity > 0 ? "" : " (none passed: using 0.5)"));
            print(t.header());
            // the reference: half the capacity (every request met TTFT <= 2 s at the full capacity), long enough
            // for 60 requests (12 Critical) or a minute; lower rates would make a quick run minutes longer
            Duration light = Duration.ofMillis(Math.max(
                    settings.stepDuration().toMillis(), Math.min(60_000, (long) Math.ceil(60 / (base / 2) * 1000))));
            row(t, "light load (capacity / 2), flow control off", base / 2, mixed(gw, base / 2, light));
            row(t, "2x capacity, flow control off", 2 * base, mixed(gw, 2 * base, settings.overloadDuration()));
            Processes.stop(gateway);
            Files.writeString(config, Manifests.gateway("pool", gwPort, ports, true, CLASSES));
            procs.gateway(config, Processes.freePort(), settings.gatewayJvm(), List.of());
            // warm-up, unrecorded: the gateway's JIT, so that its first requests do not decide the capacity
            mixed(gw, 2, Duration.ofSeconds(10));
            row(t, "2x capacity, flow control on", 2 * base, mixed(gw, 2 * base, settings.overloadDuration()));
        }
        return t;
    }

    private List<Outcome> mixed(InetSocketAddress gw, double rate, Duration duration) throws InterruptedException {
        byte[][] requests = new byte[3][];
        for (int c = 0; c < 3; c++) {
            requests[c] = ChaosClient.post(
                    "/v1/completions", Manifests.completion(CLASSES.get(c)[0], 1000, 64, true), Map.of());
        }
        return OpenLoop.run(
                rate,
                duration,
                settings.ttl(),
                (i, start, deadline) ->
                        ChaosClient.call(gw, requests[classOf(i)], start, deadline, ChaosClient.Pace.FAST));
    }

    private void row(Table t, String run, double rate, List<Outcome> outcomes) {
        for (int c = 0; c < 3; c++) {
            List<Outcome> mine = new ArrayList<>();
            for (int i = 0; i < outcomes.size(); i++) {
                if (classOf(i) == c) {
                    mine.add(outcomes.get(i));
                }
            }
            Tally k = Tally.of(mine);
            print(t.add(
                    run,
                    rate,
                    CLASSES.get(c)[1],
                    k.requests(),
                    k.completed(),
                    k.shed(),
                    k.retryAfter(),
                    k.failed() - k.shed(),
                    k.unmapped(),
                    k.unanswered(),
                    k.ttftMillis(50),
                    k.ttftMillis(90)));
        }
    }
}
