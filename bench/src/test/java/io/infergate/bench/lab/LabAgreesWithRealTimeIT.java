package io.infergate.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The policy lab against the real-time path, on one small scenario (issue 5): the same requests, at the same
 * arrival times, once through an in-process gateway onto two real-time simulator replicas (measured by
 * {@link StreamingLoad}) and once through {@link PolicyLab} with the same engine model, replicas, scrape interval
 * and scheduling profile, must give a TTFT median within 15 % of each other.
 *
 * <p>Why this scenario: TTFT has to be dominated by what both paths model (the engine's front-end overhead and
 * prefill compute) rather than by what only the real path has: JIT, and the thread wake-ups of client, gateway and
 * simulator on a shared 2-core machine, which cost a few milliseconds per request there whatever the prompt. GIE's
 * shared-prefix prompts (6,000-token system prompt plus a 1,200-token question) make a cold request's TTFT 15 ms of
 * front end plus ~185 ms of prefill; with about one request in seven hitting a cached system prompt, the median is
 * a cold one, ~200 ms, so those milliseconds are a few percent of it. (llm-d's 2,500-token prompts gave ~73 ms in
 * the lab and ~80-88 ms through the gateway here: too close to the bound.) Answers are 32 tokens rather than the
 * workload's 1,000: TTFT does not need them, and streaming thousands of tokens a second through three JVM
 * components at once starved this machine's CPU and delayed tokens by seconds. At 3 requests/s each replica's
 * prefill is busy about a quarter of the time, so some requests queue behind another's prefill, which both paths
 * model. The path is warmed first with other texts, so the compared requests are the same in both from the start.
 */
class LabAgreesWithRealTimeIT {

    private static final Workload WORKLOAD = new Workload("shared-prefix-short-answers",
            "GIE shared prefix (150 x 5, 6,000-token system prompts, 1,200-token questions), 32 tokens out",
            Workloads.MODEL, List.of(), 0,
            seed -> new SharedPrefix(new SharedPrefix.Config(150, 5, 6000, 1200, 32), Workloads.MODEL, seed));
    private static final double RATE = 3;
    private static final Duration DURATION = Duration.ofSeconds(25);
    private static final Duration WARM_UP = Duration.ofSeconds(5); // the warm-up run's arrivals
    private static final long SEED = 7;
    private static final String PROFILE = BuiltInProfiles.INFERGATE_DEFAULT;
    private static final Duration SCRAPE_INTERVAL = Duration.ofMillis(50);
    private static final double TOLERANCE = 0.15;

    @Test
    void labAndRealTimeAgreeWithin15PercentOnTtftMedian() throws Exception {
        List<WorkloadRequest> requests = WORKLOAD.schedule(
                Arrivals.stages(1, List.of(Arrivals.Stage.of(RATE, DURATION))), SEED, Integer.MAX_VALUE);
        // the fleet's replicas are the preset as it is (15 ms front end included); the lab gets the same config
        EngineConfig engine = Preset.DEFAULT.config();

        List<RequestRecord> real;
        try (SimulatorFleet fleet = new SimulatorFleet(new FleetSpec(2, 0, -1,
                ReplicaSpec.builder(engine).seed(SEED).build())).start();
             Gateway gw = new Gateway(fleet)) {
            StreamingLoad load = new StreamingLoad(URI.create(gw.url()), Duration.ofSeconds(60));
            // JIT-compile the client, gateway and simulator paths first, with other texts (another seed), so they
            // share no prefix with the measured requests and leave only unrelated blocks in the caches
            load.run(WORKLOAD.schedule(Arrivals.stages(1, List.of(Arrivals.Stage.of(RATE, WARM_UP))), SEED + 1,
                    Integer.MAX_VALUE));
            real = load.run(requests).records();
        }

        // the gateway's refresh interval; a loopback scrape answered in about a millisecond; 75 µs a loopback hop
        LabSettings settings = new LabSettings(engine, 2, SCRAPE_INTERVAL, Duration.ofMillis(1),
                Duration.ofNanos(75_000), Duration.ofMinutes(1), SEED);
        PolicyLab.Result lab = new PolicyLab(settings).run(requests, WORKLOAD.adapters(), LabPolicies.named(PROFILE));

        RunSummary realSummary = RunSummary.of(real, Slo.INTERACTIVE);
        RunSummary labSummary = RunSummary.of(lab.records(), Slo.INTERACTIVE);
        String numbers = String.format(Locale.ROOT, "%d requests: TTFT p50 lab %.1f ms, real %.1f ms"
                        + " (p90 lab %.1f, real %.1f; prefix hits lab %.2f, real %.2f)", requests.size(),
                labSummary.ttftP50(), realSummary.ttftP50(), labSummary.ttftP90(),
                realSummary.ttftP90(), labSummary.prefixHitRate(), realSummary.prefixHitRate());
        System.out.println("LabAgreesWithRealTimeIT: " + numbers);

        assertThat(real).as("real-time records").hasSize(requests.size())
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(RequestRecord.Status.OK));
        assertThat(lab.records()).as("lab records").hasSize(requests.size())
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(RequestRecord.Status.OK));
        assertThat(Math.abs(labSummary.ttftP50() - realSummary.ttftP50()) / realSummary.ttftP50())
                .as(numbers).isLessThanOrEqualTo(TOLERANCE);
    }

    /** An in-process gateway on an ephemeral port: one HTTPRoute onto one InferencePool of the fleet's replicas. */
    private static final class Gateway implements AutoCloseable {
        private final GatewayServer server;

        Gateway(SimulatorFleet fleet) {
            String ports = fleet.replicas().stream().map(r -> "{number: " + r.port() + "}")
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
            LoadResult loaded = Manifests.load("lab-agrees.yaml", manifests);
            assertThat(loaded.errors()).as(manifests).isEmpty();
            server = new GatewayServer(GatewayConfig.compile(loaded.manifests()),
                    GatewayOptions.defaults().withBindHost("127.0.0.1").withPortMapper(l -> 0),
                    SchedulingOptions.defaults().withDefaultProfile(PROFILE).withMetricsInterval(SCRAPE_INTERVAL),
                    r -> { });
            server.start();
            // the lab's router has read every page before the first request; so must the gateway
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                var slots = server.datastore().slots();
                return slots.size() == fleet.replicas().size()
                        && slots.stream().allMatch(s -> s.metrics().everRead() && s.metrics().failure() == null);
            });
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
