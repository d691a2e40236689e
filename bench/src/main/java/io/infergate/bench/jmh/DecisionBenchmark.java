package io.infergate.bench.jmh;

import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.Lease;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.prefix.BackgroundLearner;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Scheduler;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One scheduling decision: {@link Scheduler#pick} for one chat request on a pool of {@link #endpoints} vLLM
 * endpoints, as the gateway calls it on an event loop once the body is scanned. Included: reading the pool state,
 * building the candidates, hashing the prompt's prefix blocks (GIE's defaults: 64-byte blocks, at most 256, so at
 * most the first 16 KiB of a prompt), matching them in the prefix index, every scorer of the {@link #profile}, the
 * picker, and the post-pick hooks (with the default {@link #learner} the index learns the request's blocks on the
 * calling thread). Excluded: parsing the body.
 *
 * <p>The state is that of a busy pool: metrics with varying queues, KV usage and loaded adapters
 * ({@link BenchPool}); a prefix index warmed by {@value #WARM_DECISIONS} earlier decisions over the same
 * conversations ({@link ChatPrompts}: shared system prompts, growing conversations, a new last message every
 * request). Around each decision the benchmark does what the rest of the gateway does meanwhile, so the state stays
 * realistic instead of freezing: the chosen endpoint gets an in-flight lease that is released
 * {@value #IN_FLIGHT_PER_ENDPOINT} x endpoints decisions later (the data plane), so in-flight counts average
 * {@value #IN_FLIGHT_PER_ENDPOINT} per endpoint and never drift; and one endpoint's metrics are replaced by what its
 * current load would show (the scraper, {@link BenchPool#rescrape}). Those add a map lookup, a volatile write and one
 * lease acquire and release (well under 0.1 µs) to each operation.
 *
 * <p>Bytes per decision: run with {@code -prof gc} and read {@code gc.alloc.rate.norm}. CPU per decision (GC
 * included): {@code -prof io.infergate.bench.jmh.CpuProfiler}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecisionBenchmark {

    static final long SEED = 20_261_127L;
    static final int WARM_DECISIONS = 4_000;
    static final int IN_FLIGHT_PER_ENDPOINT = 4;
    static final String INLINE = "inline";
    static final String BACKGROUND = "background";

    @Param({"8", "64", "256"})
    public int endpoints;

    @Param({"1", "16", "200"})
    public int promptKiB;

    @Param({BuiltInProfiles.INFERGATE_DEFAULT, BuiltInProfiles.GIE_V1_DEFAULT})
    public String profile;

    /**
     * Where the prefix index learns a decision's blocks: {@value #INLINE} on the deciding thread (the index's
     * default), or {@value #BACKGROUND} on a {@link BackgroundLearner} thread (as the gateway does), which takes
     * the add out of the measured time but not out of the CPU ({@code -prof io.infergate.bench.jmh.CpuProfiler});
     * updates it cannot queue are dropped, and counted at the end of the trial.
     */
    @Param({INLINE})
    public String learner = INLINE;

    /**
     * The scheduler's clock, which also stamps the metrics' read time. Decisions depend on it (metrics turn stale
     * after 200 ms, LoRA stickiness lasts 2 s, least-recently-picked compares pick times), so tests replace it with
     * a virtual one before {@link #setUp} to decide the same on a fast or a loaded machine.
     */
    LongSupplier nanoTime = System::nanoTime;

    private BenchPool pool;
    private List<ChatPrompts.Prompt> prompts;
    private PrefixIndex index;
    private InFlightTracker inFlight;
    private Scheduler scheduler;
    private Lease[] leases;
    private long decisions;
    private BackgroundLearner background;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new BenchPool(endpoints, SEED, nanoTime.getAsLong());
        prompts = ChatPrompts.build(promptKiB * 1024, ChatPrompts.COUNT, SEED);
        // GIE's defaults; autoTune sizes each endpoint's LRU from num_gpu_blocks
        index = switch (learner) {
            case INLINE -> new PrefixIndex();
            case BACKGROUND -> new PrefixIndex(background = new BackgroundLearner());
            default ->
                throw new IllegalArgumentException(
                        "learner: " + learner + " (expected: " + INLINE + " or " + BACKGROUND + ")");
        };
        inFlight = new InFlightTracker();
        PrefixHasher hasher = PrefixHasher.defaults();
        SplittableRandom random = new SplittableRandom(SEED);
        // as the gateway builds a pool's scheduler for a built-in profile (PoolPickers)
        scheduler = new Scheduler(
                pool.datastore(),
                inFlight,
                BuiltInProfiles.named(profile, index, hasher),
                UtilizationSaturationDetector.withDefaults(),
                hasher,
                nanoTime,
                () -> random);
        leases = new Lease[endpoints * IN_FLIGHT_PER_ENDPOINT];
        decisions = 0;
        for (int i = 0; i < WARM_DECISIONS; i++) {
            decide();
        }
    }

    @Benchmark
    public Endpoint decide() {
        long k = decisions++;
        pool.rescrape(k, inFlight);
        ChatPrompts.Prompt p = prompts.get((int) (k % prompts.size()));
        p.stamp(k);
        PickResult result = scheduler.pick(p.request(), pool.snapshot());
        if (!(result instanceof PickResult.Picked picked)) {
            throw new IllegalStateException("decision " + k + " rejected: " + result);
        }
        Endpoint chosen = picked.preferred();
        int slot = (int) (k % leases.length);
        if (leases[slot] != null) {
            leases[slot].release();
        }
        leases[slot] = inFlight.acquire(chosen, p.promptTokens(), ChatPrompts.MAX_TOKENS);
        return chosen;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (background != null) {
            background.close(); // lets it finish what is queued
            System.out.printf(
                    Locale.ROOT,
                    "%nbackground learner: %,d adds done, %,d dropped (queue full)%n",
                    background.completed(),
                    background.rejected());
            background = null;
        }
        // how full the index got: its LRUs hold NUM_GPU_BLOCKS entries per endpoint once full
        System.out.printf(
                Locale.ROOT,
                "%n[%s, %d endpoints, %d KiB] after %,d decisions: prefix index" + " %,d entries (%.0f%% of %,d)%n",
                profile,
                endpoints,
                promptKiB,
                decisions,
                index.size(),
                100.0 * index.size() / ((long) endpoints * BenchPool.NUM_GPU_BLOCKS),
                (long) endpoints * BenchPool.NUM_GPU_BLOCKS);
        for (int i = 0; i < leases.length; i++) {
            if (leases[i] != null) {
                leases[i].release();
                leases[i] = null;
            }
        }
    }

    BenchPool pool() {
        return pool;
    }

    List<ChatPrompts.Prompt> prompts() {
        return prompts;
    }

    PrefixIndex index() {
        return index;
    }

    InFlightTracker inFlight() {
        return inFlight;
    }

    Scheduler scheduler() {
        return scheduler;
    }
}
