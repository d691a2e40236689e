package io.infergate.bench.lab;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.bench.realtime.StreamingLoad;
import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.workload.Arrivals;
import io.infergate.bench.workload.SharedPrefix;
import io.infergate.bench.workload.Workload;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.bench.workload.Workloads;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimulatorFleet;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Does the policy lab predict what the real gateway does? One small scenario run twice with the same requests at the
 * same arrival times: once through an in-process {@link GatewayServer} onto two real-time simulator replicas
 * (measured by {@link StreamingLoad}), once through {@link PolicyLab} with the same engine model, replicas, scrape
 * interval and scheduling profile. The benchmark is the gap between the two TTFT medians ({@code infergate bench
 * lab-vs-real}, {@code scripts/bench-lab-vs-real.sh}, reported in {@code docs/benchmarks.md}); it is wall-clock on
 * the real side, so it belongs to a quiet machine, not to the test suite.
 *
 * <p>Why this scenario: TTFT has to be dominated by what both paths model (the engine's front-end overhead and
 * prefill compute) rather than by what only the real path has: JIT, and the thread wake-ups of client, gateway and
 * simulator on a shared 2-core machine, which cost a few milliseconds per request whatever the prompt. GIE's
 * shared-prefix prompts (6,000-token system prompt plus a 1,200-token question) make a cold request's TTFT 15 ms of
 * front end plus ~185 ms of prefill; with about one request in seven hitting a cached system prompt, the median is a
 * cold one, ~200 ms, so those milliseconds are a few percent of it. (llm-d's 2,500-token prompts gave ~73 ms in the
 * lab and ~80-88 ms through the gateway: too close to tell the model from the machine.) Answers are 32 tokens rather
 * than the workload's 1,000: TTFT does not need them, and streaming thousands of tokens a second through three JVM
 * components at once starves a 2-core machine. At 3 requests/s each replica's prefill is busy about a quarter of the
 * time, so some requests queue behind another's prefill, which both paths model. The path is warmed first with other
 * texts (another seed), so the compared requests are the same in both from the start.
 *
 * <p>Blocking: {@link #run} takes the scenario's wall time (warm-up plus duration plus drain) on the calling thread.
 */
public final class LabRealTimeAgreement {

    /** GIE's shared-prefix workload with 32-token answers (see the class comment). */
    public static final Workload WORKLOAD = new Workload(
            "shared-prefix-short-answers",
            "GIE shared prefix (150 x 5, 6,000-token system prompts, 1,200-token questions), 32 tokens out",
            Workloads.MODEL,
            List.of(),
            0,
            seed -> new SharedPrefix(new SharedPrefix.Config(150, 5, 6000, 1200, 32), Workloads.MODEL, seed));

    private static final String PROFILE = BuiltInProfiles.INFERGATE_DEFAULT;
    private static final Duration SCRAPE_INTERVAL = Duration.ofMillis(50);
    private static final int REPLICAS = 2;
    /** How long the real-time client waits for one response: a hang guard, far beyond any TTFT here. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * One run's shape.
     *
     * @param seed     the measured requests' seed; the warm-up uses {@code seed + 1}
     * @param rate     arrivals per second
     * @param duration arrivals of the measured run
     * @param warmUp   arrivals of the unmeasured warm-up run
     */
    public record Spec(long seed, double rate, Duration duration, Duration warmUp) {

        /** The published scenario: 3 requests/s for 25 s after 5 s of warm-up. */
        public static Spec published(long seed) {
            return new Spec(seed, 3, Duration.ofSeconds(25), Duration.ofSeconds(5));
        }

        public Spec {
            if (!(rate > 0) || duration.isNegative() || duration.isZero() || warmUp.isNegative()) {
                throw new IllegalArgumentException("rate " + rate + ", duration " + duration + ", warm-up " + warmUp
                        + " (expected: rate > 0, duration > 0, warm-up >= 0)");
            }
        }
    }

    /**
     * Both paths' records of the same requests.
     *
     * @param spec the run
     * @param real the real-time path's records, one per request
     * @param lab  the lab's records, one per request
     */
    public record Result(Spec spec, List<RequestRecord> real, List<RequestRecord> lab) {

        /** The TTFT medians' gap relative to the real one: |lab - real| / real. */
        public double ttftP50Gap() {
            double r = RunSummary.of(real, Slo.INTERACTIVE).ttftP50();
            return Math.abs(RunSummary.of(lab, Slo.INTERACTIVE).ttftP50() - r) / r;
        }

        /** The Markdown header matching {@link #row()}. */
        public static String header() {
            return "| seed | requests | real OK | lab OK | TTFT p50 lab / real ms | gap | TTFT p90 lab / real ms"
                    + " | prefix hits lab / real |\n|---|---|---|---|---|---|---|---|";
        }

        /** One Markdown row. */
        public String row() {
            RunSummary l = RunSummary.of(lab, Slo.INTERACTIVE);
            RunSummary r = RunSummary.of(real, Slo.INTERACTIVE);
            return String.format(
                    Locale.ROOT,
                    "| %d | %d | %d | %d | %.1f / %.1f | %.1f %% | %.1f / %.1f | %.2f / %.2f |",
                    spec.seed(),
                    real.size(),
                    r.completed(),
                    l.completed(),
                    l.ttftP50(),
                    r.ttftP50(),
                    100 * ttftP50Gap(),
                    l.ttftP90(),
                    r.ttftP90(),
                    l.prefixHitRate(),
                    r.prefixHitRate());
        }
    }

    private LabRealTimeAgreement() {}

    /** Runs {@code spec} through the real gateway and through the lab. */
    public static Result run(Spec spec) throws InterruptedException {
        List<WorkloadRequest> requests = WORKLOAD.schedule(
                Arrivals.stages(1, List.of(Arrivals.Stage.of(spec.rate(), spec.duration()))),
                spec.seed(),
                Integer.MAX_VALUE);
        // the fleet's replicas are the preset as it is (15 ms front end included); the lab gets the same config
        EngineConfig engine = Preset.DEFAULT.config();

        List<RequestRecord> real;
        try (SimulatorFleet fleet = new SimulatorFleet(new FleetSpec(
                                REPLICAS,
                                0,
                                -1,
                                ReplicaSpec.builder(engine).seed(spec.seed()).build()))
                        .start();
                Gateway gw = new Gateway(fleet)) {
            StreamingLoad load = new StreamingLoad(URI.create(gw.url()), REQUEST_TIMEOUT);
            if (!spec.warmUp().isZero()) {
                // JIT-compiles the client, gateway and simulator paths with other texts, so they share no prefix
                // with the measured requests and leave only unrelated blocks in the caches
                load.run(WORKLOAD.schedule(
                        Arrivals.stages(1, List.of(Arrivals.Stage.of(spec.rate(), spec.warmUp()))),
                        spec.seed() + 1,
                        Integer.MAX_VALUE));
            }
            real = load.run(requests).records();
        }

        // the gateway's refresh interval; a loopback scrape answered in about a millisecond; 75 µs a loopback hop
        LabSettings settings = new LabSettings(
                engine,
                REPLICAS,
                SCRAPE_INTERVAL,
                Duration.ofMillis(1),
                Duration.ofNanos(75_000),
                Duration.ofMinutes(1),
                spec.seed());
        PolicyLab.Result lab = new PolicyLab(settings).run(requests, WORKLOAD.adapters(), LabPolicies.named(PROFILE));
        return new Result(spec, real, lab.records());
    }

    /** An in-process gateway on an ephemeral port: one HTTPRoute onto one InferencePool of the fleet's replicas. */
    private static final class Gateway implements AutoCloseable {
        /** How long the gateway may take to read every replica's metrics once before the run starts. */
        private static final Duration FIRST_SCRAPES = Duration.ofSeconds(60);

        private final GatewayServer server;

        Gateway(SimulatorFleet fleet) throws InterruptedException {
            String ports = fleet.replicas().stream()
                    .map(r -> "{number: " + r.port() + "}")
                    .collect(Collectors.joining(", "));
            String manifests = """
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
                      targetPorts: [%s]
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: sim-pod, labels: {app: sim}}
                    status: {podIP: 127.0.0.1, phase: Running}
                    """.formatted(ports);
            LoadResult loaded = Manifests.load("lab-vs-real.yaml", manifests);
            if (!loaded.errors().isEmpty()) {
                throw new IllegalStateException("the scenario's manifests: " + loaded.errors());
            }
            server = new GatewayServer(
                    GatewayConfig.compile(loaded.manifests()),
                    GatewayOptions.defaults().withBindHost("127.0.0.1").withPortMapper(l -> 0),
                    SchedulingOptions.defaults().withDefaultProfile(PROFILE).withMetricsInterval(SCRAPE_INTERVAL),
                    r -> {});
            server.start();
            // the lab's router has read every page before the first request; so must the gateway
            try {
                awaitFirstScrapes(fleet.replicas().size());
            } catch (InterruptedException | RuntimeException e) {
                server.close();
                throw e;
            }
        }

        /**
         * Waits until the gateway has read every replica's metrics once: a check on a scheduler at the scrape
         * interval completes a future the calling thread waits on, up to {@link #FIRST_SCRAPES}.
         */
        private void awaitFirstScrapes(int replicas) throws InterruptedException {
            CompletableFuture<Void> read = new CompletableFuture<>();
            ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lab-vs-real-first-scrapes");
                t.setDaemon(true);
                return t;
            });
            try {
                checker.scheduleWithFixedDelay(
                        () -> {
                            if (everyReplicaRead(replicas)) {
                                read.complete(null);
                            }
                        },
                        0,
                        SCRAPE_INTERVAL.toNanos(),
                        TimeUnit.NANOSECONDS);
                read.get(FIRST_SCRAPES.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "the gateway did not read every replica's metrics within " + FIRST_SCRAPES);
            } catch (ExecutionException e) {
                throw new IllegalStateException("checking the gateway's first scrapes failed", e.getCause());
            } finally {
                checker.shutdownNow();
            }
        }

        private boolean everyReplicaRead(int replicas) {
            var slots = server.datastore().slots();
            return slots.size() == replicas
                    && slots.stream()
                            .allMatch(s -> s.metrics().everRead() && s.metrics().failure() == null);
        }

        String url() {
            return "http://127.0.0.1:" + server.boundPorts().get("default/gw/http");
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
