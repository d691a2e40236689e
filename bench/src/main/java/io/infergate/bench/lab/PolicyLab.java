package io.infergate.bench.lab;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.workload.RequestBodies;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.admission.PoolCapacity;
import io.infergate.scheduler.admission.PoolSignals;
import io.infergate.scheduler.admission.ReservingHeadroom;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.MetricsScraper;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.EngineMapping;
import io.infergate.scheduler.model.PoolModels;
import io.infergate.scheduler.model.Resolution;
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.Lease;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pipeline.Decision;
import io.infergate.scheduler.pipeline.ParsedRequest;
import io.infergate.scheduler.pipeline.PoolState;
import io.infergate.scheduler.pipeline.RequestPipeline;
import io.infergate.scheduler.pipeline.TokenEstimate;
import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.RequestObserver;
import io.infergate.simulator.engine.RequestOutcome;
import io.infergate.simulator.loop.DiscreteEventLoop;
import io.infergate.simulator.loop.VirtualEngineDriver;
import io.infergate.simulator.metrics.MetricsFlavor;
import io.infergate.simulator.metrics.MetricsOptions;
import io.infergate.simulator.metrics.MetricsRenderer;
import io.infergate.simulator.text.ApproxTokenizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The policy lab: one workload through one routing policy onto a fleet of simulated vLLM engines, all in virtual
 * time, in one thread. The router side is the real code wherever a real gateway would run it: the workload's
 * bodies are scanned by the gateway's {@link OpenAiRequestScanner}; the {@link Datastore} is fed by a real
 * {@link MetricsScraper} every scrape interval, from the engines' real vLLM {@code /metrics} text, with a scrape
 * delay; the {@link InFlightTracker} is held by leases taken at the pick, eased at the first token and released at
 * the end, exactly as the gateway's proxy does; the scheduler-backed policies run the real
 * {@link io.infergate.scheduler.scheduling.Scheduler} with its prefix index and admission; with
 * {@link LabSettings#flowControl()} every request first waits in the gateway's {@link FlowController} (GIE's default
 * bands, fairness and FCFS, capacity by the utilization detector over {@link PoolSignals}), poked after every scrape
 * and every request's end as the gateway pokes it.
 *
 * <p>A request's life: it leaves the client at its arrival time; one network delay later the policy routes it
 * (a refusal is recorded as shed (429) or failed (anything else)); one more delay later the chosen engine queues
 * it; each token reaches the router one delay after the engine samples it and the client one more. TTFT and
 * end-to-end latency are the client's: from its send time to the first and last token's arrival.
 *
 * <p>Same settings, requests and policy seed: the same records, bit for bit. Not thread-safe; one run per call of
 * {@link #run}.
 */
public final class PolicyLab {

    /** The pool the lab's endpoints belong to. */
    public static final PoolId POOL = new PoolId("inference.networking.k8s.io", "lab", "sim-pool");

    /**
     * The queue settings of {@code serve}'s pools with flow control by annotation: GIE's limits, a 30 s TTL, the
     * default Critical reserve.
     */
    static final FlowControlConfig LAB_FLOW_CONTROL =
            FlowControlConfig.DEFAULT.withRequestTtl(SchedulingOptions.DEFAULT_QUEUE_TTL);

    private final LabSettings settings;

    public PolicyLab(LabSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public LabSettings settings() {
        return settings;
    }

    /**
     * The outcome of one run.
     *
     * @param policy          the policy's name
     * @param records         one per request, in the order of the requests given
     * @param simulatedNanos  virtual time from 0 to the last request's end
     * @param wallNanos       real time the run took
     * @param perEndpoint     requests each endpoint served (completed or not)
     * @param loraLoads       adapter loads summed over the engines
     * @param preemptions     preemptions summed over the engines
     */
    public record Result(
            String policy,
            List<RequestRecord> records,
            long simulatedNanos,
            long wallNanos,
            int[] perEndpoint,
            long loraLoads,
            long preemptions) {

        /** The records of requests sent at or after {@code fromNanos} (to leave a warm-up out). */
        public List<RequestRecord> recordsFrom(long fromNanos) {
            return records.stream().filter(r -> r.arrivalNanos() >= fromNanos).toList();
        }
    }

    /**
     * Runs {@code requests} (sorted by arrival) through the policy {@code factory} builds.
     *
     * @param adapters LoRA adapters to register on every engine (the engine config must enable LoRA when any)
     */
    public Result run(
            List<WorkloadRequest> requests, List<String> adapters, Function<LabEnvironment, LabPolicy> factory) {
        return new Run(settings, requests, adapters, factory).execute();
    }

    /** One run's state; everything on the calling thread. */
    private static final class Run implements LabView {
        private final LabSettings settings;
        private final List<WorkloadRequest> requests;
        private final DiscreteEventLoop loop = new DiscreteEventLoop();
        private final List<VirtualEngineDriver> drivers = new ArrayList<>();
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final Map<String, Integer> indexOf = new HashMap<>();
        private final Datastore datastore = new Datastore(e -> EngineMapping.VLLM);
        private final InFlightTracker inFlight = new InFlightTracker();
        private final PoolSnapshot snapshot;
        private final MetricsScraper scraper;
        private final LabPolicy policy;
        /** The gateway's flow-control queue in front of the policy, or null without flow control. */
        private final FlowController<Object> flow;

        private final RequestRecord[] records;
        private final int[] perEndpoint;
        private final long delay;
        private final String baseModel;
        private final OpenAiRequestScanner scanner = new OpenAiRequestScanner();
        /** The gateway's pipeline; picks are not timed (the lab's clock is virtual). */
        private final RequestPipeline pipeline = RequestPipeline.untimed();
        /** The pool's model resolution, compiled as the gateway compiles it ({@link LabModels}). */
        private final PoolModels models;
        /** Weighted target models draw from it, request after request in arrival order: seeded, so repeatable. */
        private final RandomGenerator modelRandom;

        private int open; // requests sent and not yet recorded
        private long lastRecordNanos;
        private int nextArrival;
        private boolean draining;

        Run(
                LabSettings settings,
                List<WorkloadRequest> requests,
                List<String> adapters,
                Function<LabEnvironment, LabPolicy> factory) {
            this.settings = settings;
            this.requests = List.copyOf(requests);
            this.delay = settings.networkDelay().toNanos();
            this.baseModel = settings.engine().servedModelName();
            this.models = settings.models()
                    .compile(this.requests.stream()
                            .map(WorkloadRequest::priority)
                            .collect(Collectors.toSet()));
            this.modelRandom = new SplittableRandom(settings.seed());
            for (int i = 0; i < settings.replicas(); i++) {
                Engine engine = new Engine(
                        settings.engine(),
                        loop.clock(),
                        new EngineMetrics(settings.engine()),
                        settings.seed() * 1_000_003L + i);
                for (String a : adapters) {
                    engine.loadAdapter(a, "/adapters/" + a);
                }
                drivers.add(new VirtualEngineDriver(engine, loop));
                String pod = "sim-" + i;
                PoolEndpoint pe = new PoolEndpoint(pod, pod, "10.0." + (i / 250) + "." + (i % 250 + 2), 8000, 0);
                Endpoint e = Endpoint.of(pe, Map.of(EngineMapping.ENGINE_TYPE_LABEL, "vllm"));
                indexOf.put(e.hostPort(), i);
                endpoints.add(e);
            }
            snapshot = new PoolSnapshot(POOL, endpoints);
            datastore.publish(snapshot);
            scraper = new MetricsScraper(
                    datastore,
                    this::fetch,
                    loop.clock()::nanoTime,
                    settings.scrapeInterval(),
                    MetricsScraper.defaultTimeout(settings.scrapeInterval()));
            this.policy = Objects.requireNonNull(
                    factory.apply(new LabEnvironment(
                            datastore,
                            inFlight,
                            snapshot,
                            loop.clock()::nanoTime,
                            settings.seed(),
                            settings.flowControl())),
                    "policy");
            if (settings.flowControl()) {
                ReservingHeadroom headroom = new ReservingHeadroom(
                        new UtilizationSaturationDetector(UtilizationSaturationDetector.Config.DEFAULT),
                        LAB_FLOW_CONTROL.criticalReserve(),
                        loop.clock()::nanoTime);
                flow = new FlowController<>(
                        LAB_FLOW_CONTROL,
                        PoolCapacity.of(headroom, () -> PoolSignals.loads(datastore, inFlight, POOL, loop.now())),
                        loop.clock()::nanoTime);
            } else {
                flow = null;
            }
            this.records = new RequestRecord[this.requests.size()];
            this.perEndpoint = new int[settings.replicas()];
        }

        Result execute() {
            long start = System.nanoTime();
            scrapeTick();
            scheduleNextArrival();
            loop.run();
            long wall = System.nanoTime() - start;
            long lora = 0;
            long preempt = 0;
            for (VirtualEngineDriver d : drivers) {
                lora += d.engine().loraLoads();
                preempt += d.engine().metrics().preemptions();
            }
            List<RequestRecord> out = new ArrayList<>(records.length);
            for (RequestRecord r : records) {
                out.add(Objects.requireNonNull(r, "a request was lost"));
            }
            return new Result(policy.name(), out, lastRecordNanos, wall, perEndpoint.clone(), lora, preempt);
        }

        private boolean finished() {
            return nextArrival >= requests.size() && open == 0;
        }

        private void scrapeTick() {
            if (finished()) {
                return; // nothing left to route: let the loop run dry
            }
            scraper.tick();
            if (flow != null) {
                flow.sweepExpired();
            }
            loop.scheduleAfter(settings.scrapeInterval().toNanos(), this::scrapeTick);
        }

        /**
         * The engine's page as of now, answered after the scrape delay: vLLM's real text without the histogram
         * families, which no picker reads ({@link MetricsRenderer#renderGauges}).
         */
        private CompletableFuture<byte[]> fetch(Endpoint e, Duration timeout) {
            Engine engine = drivers.get(indexOf.get(e.hostPort())).engine();
            byte[] page = MetricsRenderer.renderGauges(MetricsFlavor.VLLM, engine.metrics(), MetricsOptions.defaults())
                    .getBytes(StandardCharsets.UTF_8);
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            loop.scheduleAfter(settings.scrapeDelay().toNanos(), () -> {
                f.complete(page);
                poke(); // fresh metrics may show capacity (the gateway pokes after a scrape too)
            });
            return f;
        }

        // arrivals are scheduled one at a time: a million-request run keeps one pending arrival, not a million
        private void scheduleNextArrival() {
            if (nextArrival >= requests.size()) {
                long end = Math.max(
                        loop.now(), requests.isEmpty() ? 0 : requests.getLast().arrivalNanos());
                loop.schedule(end + settings.drainLimit().toNanos(), this::abortRemaining);
                return;
            }
            int i = nextArrival++;
            WorkloadRequest w = requests.get(i);
            if (i > 0 && w.arrivalNanos() < requests.get(i - 1).arrivalNanos()) {
                throw new IllegalArgumentException("requests: not sorted by arrival at index " + i);
            }
            open++;
            loop.schedule(w.arrivalNanos(), () -> {
                loop.scheduleAfter(delay, () -> admit(i, w));
                scheduleNextArrival();
            });
        }

        /**
         * Through the gateway's own {@link RequestPipeline}: model resolution (the request names the objective of
         * its priority, {@link LabModels#objectiveFor}), token estimates, the flow-control queue when there is one,
         * then the policy as the pool's picker.
         */
        private void admit(int i, WorkloadRequest w) {
            byte[] body = RequestBodies.completion(w);
            ScannedRequest scanned = scanner.scan(body);
            ParsedRequest parsed = new ParsedRequest(
                    "r" + i,
                    scanned,
                    body,
                    0,
                    body.length,
                    null,
                    LabModels.objectiveFor(w.priority()),
                    w.fairnessId(),
                    w.sessionId(),
                    false,
                    null,
                    modelRandom,
                    Runnable::run);
            LabPool pool = new LabPool(w, body, scanned, ApproxTokenizer.encode(w.prompt(), true));
            // outcomes of queued requests complete on the loop's thread, inside enqueue or a poke
            decided(i, w, pool, pipeline.decide(parsed, pool));
        }

        private void decided(int i, WorkloadRequest w, LabPool pool, Decision decision) {
            switch (decision) {
                case Decision.Forward f -> routed(i, w, pool.request, pool.routed, f);
                case Decision.Queued q ->
                    q.ticket()
                            .outcome()
                            .whenComplete((outcome, error) -> decided(i, w, pool, q.resume(outcome, error)));
                case Decision.Refuse r -> {
                    int tokens = pool.tokens.length;
                    record(
                            i,
                            switch (r.code()) {
                                case SHED -> RequestRecord.shed(w.arrivalNanos(), 429, w.priority(), tokens);
                                // a queue TTL is flow control giving up on purpose: shed, with the gateway's 503 (the
                                // lab
                                // never cancels a queued request, so QUEUE_TIMEOUT is always an expiry here)
                                case QUEUE_TIMEOUT -> RequestRecord.shed(w.arrivalNanos(), 503, w.priority(), tokens);
                                case INTERNAL -> throw new IllegalStateException("request r" + i + ": " + r.message());
                                default -> RequestRecord.failed(w.arrivalNanos(), r.status(), w.priority(), tokens);
                            });
                }
            }
        }

        /**
         * The lab's pool as the pipeline sees it, for one request: the gateway's model resolution of the lab's
         * manifests, the fleet, the flow controller, and the policy as the picker.
         */
        private final class LabPool implements PoolState, EndpointPicker {
            private final WorkloadRequest source;
            private final byte[] body;
            private final ScannedRequest scanned;
            private final int[] tokens;
            /** The request as the policy saw it, once the pipeline asked for a pick. */
            private LabRequest request;
            /** The endpoint index the policy chose, when it chose one. */
            private int routed = -1;

            LabPool(WorkloadRequest source, byte[] body, ScannedRequest scanned, int[] tokens) {
                this.source = source;
                this.body = body;
                this.scanned = scanned;
                this.tokens = tokens;
            }

            @Override
            public Resolution resolve(
                    String incomingModel, String rewriteHeader, String objectiveHeader, RandomGenerator random) {
                return models.resolve(incomingModel, rewriteHeader, objectiveHeader, random);
            }

            @Override
            public PoolSnapshot snapshot() {
                return snapshot;
            }

            @Override
            public EndpointPicker picker() {
                return this;
            }

            @Override
            public FlowController<Object> flowControl() {
                return flow;
            }

            @Override
            public PickResult pick(PickRequest pick, PoolSnapshot candidates) {
                request = new LabRequest(
                        pick.requestId(),
                        source,
                        body,
                        pick,
                        tokens,
                        source.prompt(),
                        TokenEstimate.outputTokens(scanned));
                Route route;
                try {
                    route = policy.route(request, Run.this);
                } catch (RuntimeException e) {
                    throw new IllegalStateException(
                            "policy " + policy.name() + " failed on request " + request.id(), e);
                }
                if (!route.routed()) {
                    return new PickResult.Rejected(route.status(), route.reason());
                }
                routed = route.endpoint();
                return new PickResult.Picked(List.of(endpoints.get(routed)));
            }
        }

        private void poke() {
            if (flow != null) {
                flow.poke();
            }
        }

        private void routed(int i, WorkloadRequest w, LabRequest request, int ep, Decision.Forward f) {
            perEndpoint[ep]++;
            // charged as the gateway's proxy charges its leases
            Lease lease = inFlight.acquire(endpoints.get(ep), f.promptTokens(), f.outputTokens());
            loop.scheduleAfter(delay, () -> submit(i, w, request, ep, lease));
        }

        private void submit(int i, WorkloadRequest w, LabRequest request, int ep, Lease lease) {
            if (draining) {
                end(
                        i,
                        w,
                        request,
                        ep,
                        lease,
                        RequestRecord.failed(w.arrivalNanos(), 0, w.priority(), request.tokens().length));
                return;
            }
            VirtualEngineDriver driver = drivers.get(ep);
            String adapter = request.model().equals(baseModel) ? null : request.model();
            RequestObserver observer = new RequestObserver() {
                @Override
                public void onToken(int index, int tokenId, long nanoTime) {
                    if (index == 0) {
                        loop.schedule(nanoTime + delay, () -> {
                            lease.firstToken();
                            policy.onFirstToken(request, ep, Run.this);
                        });
                    }
                }

                @Override
                public void onFinish(RequestOutcome o) {
                    loop.schedule(
                            Math.max(loop.now(), o.finishNanos()) + delay,
                            () -> end(i, w, request, ep, lease, recordOf(w, request, o, ep)));
                }
            };
            try {
                driver.submit(new EngineRequest(
                        request.id(),
                        adapter,
                        request.tokens(),
                        w.maxOutputTokens(),
                        FinishReason.LENGTH,
                        w.maxOutputTokens(),
                        observer));
            } catch (IllegalArgumentException e) { // too long for the context, unknown adapter: vLLM answers 400
                end(
                        i,
                        w,
                        request,
                        ep,
                        lease,
                        RequestRecord.failed(w.arrivalNanos(), 400, w.priority(), request.tokens().length));
            }
        }

        private RequestRecord recordOf(WorkloadRequest w, LabRequest request, RequestOutcome o, int ep) {
            if (o.reason() == FinishReason.ABORT || o.firstTokenNanos() < 0) {
                return RequestRecord.failed(w.arrivalNanos(), 0, w.priority(), o.promptTokens());
            }
            // the client sees each token two network delays after the engine sampled it
            long ttft = o.firstTokenNanos() + 2 * delay - w.arrivalNanos();
            long e2e = o.finishNanos() + 2 * delay - w.arrivalNanos();
            return RequestRecord.ok(
                    w.arrivalNanos(),
                    w.priority(),
                    o.promptTokens(),
                    o.cachedPromptTokens(),
                    o.outputTokens(),
                    ttft,
                    e2e,
                    ep);
        }

        private void end(int i, WorkloadRequest w, LabRequest request, int ep, Lease lease, RequestRecord r) {
            lease.release();
            policy.onFinish(request, ep, this);
            record(i, r);
            poke(); // a request ended: the gateway lets its queues dispatch
        }

        private void record(int i, RequestRecord r) {
            if (records[i] != null) {
                throw new IllegalStateException("request r" + i + " recorded twice");
            }
            records[i] = r;
            open--;
            lastRecordNanos = loop.now();
        }

        private void abortRemaining() {
            if (finished()) {
                return;
            }
            draining = true;
            for (VirtualEngineDriver d : drivers) {
                for (String id : d.engine().liveRequestIds()) {
                    d.abort(id);
                }
            }
        }

        @Override
        public long nowNanos() {
            return loop.now();
        }

        @Override
        public List<Endpoint> endpoints() {
            return endpoints;
        }

        @Override
        public int inFlight(int i) {
            return inFlight.inFlight(endpoints.get(i));
        }

        @Override
        public long inFlightTokens(int i) {
            return inFlight.inFlightTokens(endpoints.get(i));
        }

        @Override
        public ScrapedMetrics metrics(int i) {
            return datastore.state(POOL).slots().get(i).metrics();
        }

        @Override
        public int blockSize() {
            return settings.engine().blockSize();
        }
    }
}
