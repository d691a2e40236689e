package io.infergate.scheduler.scheduling;

import io.infergate.scheduler.admission.EndpointSignals;
import io.infergate.scheduler.admission.PoolSignals;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.prefix.PrefixHasher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint picker: for one request and one pool, GIE's pipeline from admission to pick. It reads the pool's
 * {@link PoolState} (publishing the given snapshot first when the pool changed), builds the candidates from every
 * ready endpoint with its latest metrics and our in-flight load, sheds a sheddable request (priority < 0) when the
 * pool is saturated (GIE's legacy admission, utilization detector), runs the profile, and lets the post-pick hooks
 * learn (prefix index, sessions).
 *
 * <p>Results: no ready endpoint 503; shed 429; the profile failing (a filter left nothing) 429, as GIE's director
 * answers a scheduling error. Thread-safe and non-blocking (see {@link EndpointPicker}).
 */
public final class Scheduler implements EndpointPicker {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final Datastore datastore;
    private final InFlightTracker inFlight;
    private final SchedulerProfile profile;
    private final UtilizationSaturationDetector detector;
    private final List<PostPick> hooks;
    private final PrefixHasher hasher;
    private final LongSupplier nanoTime;
    private final Supplier<RandomGenerator> random;

    /**
     * @param detector the saturation detector for admission, or null to never shed
     * @param hasher   the prefix hasher of the profile's prefix scorer, or null when it has none
     */
    public Scheduler(
            Datastore datastore,
            InFlightTracker inFlight,
            SchedulerProfile profile,
            UtilizationSaturationDetector detector,
            PrefixHasher hasher,
            LongSupplier nanoTime,
            Supplier<RandomGenerator> random) {
        this.datastore = Objects.requireNonNull(datastore, "datastore");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.profile = Objects.requireNonNull(profile, "profile");
        this.detector = detector;
        this.hasher = hasher;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.random = Objects.requireNonNull(random, "random");
        List<PostPick> h = new ArrayList<>();
        profile.filters().forEach(f -> addHook(h, f));
        profile.scorers().forEach(s -> addHook(h, s.scorer()));
        addHook(h, profile.picker());
        this.hooks = List.copyOf(h);
    }

    private static void addHook(List<PostPick> hooks, Object plugin) {
        if (plugin instanceof PostPick p) {
            hooks.add(p);
        }
    }

    public SchedulerProfile profile() {
        return profile;
    }

    @Override
    public PickResult pick(PickRequest request, PoolSnapshot snapshot) {
        return decide(request, snapshot, false).result(); // nobody will ask why: keep no per-scorer scores
    }

    /**
     * A decision with the means to explain it, for the debug header and the lab.
     *
     * @param explainer builds the explanation on demand (it copies every candidate's scores, so a decision nobody
     *                  asks about never pays for it); null when the request was rejected before scoring
     */
    public record Decision(PickResult result, Supplier<Explanation> explainer) {

        /** The explanation, built now (each call builds it again); null when rejected before scoring. */
        public Explanation explanation() {
            return explainer == null ? null : explainer.get();
        }
    }

    /** Like {@link #pick} (the same choice), with the explanation of the choice. */
    public Decision decide(PickRequest request, PoolSnapshot snapshot) {
        return decide(request, snapshot, true);
    }

    private Decision decide(PickRequest request, PoolSnapshot snapshot, boolean explain) {
        if (snapshot.isEmpty()) {
            return new Decision(PickResult.noReadyEndpoint(snapshot.pool()), null);
        }
        PoolState state = stateFor(snapshot);
        long now = nanoTime.getAsLong();
        Candidates candidates = candidates(state);
        if (detector != null && request.priority() < 0 && detector.isSaturated(signals(candidates, now))) {
            return new Decision(
                    PickResult.rejected(
                            429,
                            "InferencePool " + snapshot.pool() + " is saturated and the request is sheddable (priority "
                                    + request.priority() + ")"),
                    null);
        }
        SchedulingContext ctx = new SchedulingContext(request, now, random.get(), hasher);
        ProfileResult r = explain ? profile.run(ctx, candidates) : profile.runUnexplained(ctx, candidates);
        return switch (r) {
            case ProfileResult.Failed f -> new Decision(PickResult.rejected(429, f.reason()), null);
            case ProfileResult.Chosen c -> {
                for (PostPick hook : hooks) {
                    try {
                        hook.picked(ctx, c.endpoints().get(0));
                    } catch (RuntimeException e) {
                        log.error("post-pick hook {} failed for request {}", hook, request.requestId(), e);
                    }
                }
                yield new Decision(PickResult.picked(c.endpoints()), explain ? c.explainer() : null);
            }
        };
    }

    private PoolState stateFor(PoolSnapshot snapshot) {
        PoolState state = datastore.state(snapshot.pool());
        if (state == null || state.snapshot() != snapshot) {
            state = datastore.publish(snapshot); // a reload published a new snapshot: rare, brief
        }
        return state;
    }

    private Candidates candidates(PoolState state) {
        List<EndpointSlot> slots = state.slots();
        int n = slots.size();
        Endpoint[] endpoints = state.endpoints().toArray(new Endpoint[0]);
        ScrapedMetrics[] metrics = new ScrapedMetrics[n];
        int[] requests = new int[n];
        long[] tokens = new long[n];
        int[] prefilling = new int[n];
        for (int i = 0; i < n; i++) {
            metrics[i] = slots.get(i).metrics();
        }
        inFlight.read(endpoints, requests, tokens, prefilling);
        return new Candidates(endpoints, metrics, requests, tokens, prefilling);
    }

    /** The saturation detector's view of the candidates. */
    static List<EndpointSignals> signals(Candidates c, long now) {
        List<EndpointSignals> out = new ArrayList<>(c.size());
        for (int i = 0; i < c.size(); i++) {
            out.add(PoolSignals.of(c.scraped(i), now));
        }
        return out;
    }
}
