package io.infergate.bench.lab;

import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import io.infergate.bench.workload.Arrivals;
import io.infergate.bench.workload.Workload;
import io.infergate.bench.workload.WorkloadRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A sweep: one workload through every (policy, rate, seed), each a {@link PolicyLab} run of {@code duration} of
 * Poisson (or gamma) arrivals, summarized after a warm-up. Runs are independent, so they go to a few threads; each
 * is deterministic, so the report is the same whatever the thread count.
 *
 * @param workload  what to send
 * @param policies  name to factory, in report order
 * @param rates     offered load, requests per second
 * @param seeds     workload seeds; the lab's engine and policy seed is the same seed
 * @param duration  simulated arrival time per run
 * @param warmup    arrivals before this are run but not summarized (caches and queues fill first)
 * @param cv        coefficient of variation of the gaps between arrivals (1 = Poisson)
 * @param slo       the goodput objective
 * @param settings  the fleet and router model (its seed is replaced by each run's seed)
 * @param threads   runs at a time, >= 1
 */
public record LabSweep(
        Workload workload,
        Map<String, Function<LabEnvironment, LabPolicy>> policies,
        List<Double> rates,
        List<Long> seeds,
        Duration duration,
        Duration warmup,
        double cv,
        Slo slo,
        LabSettings settings,
        int threads) {

    public LabSweep {
        Objects.requireNonNull(workload, "workload");
        policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
        rates = List.copyOf(rates);
        seeds = List.copyOf(seeds);
        if (policies.isEmpty() || rates.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one policy, rate and seed");
        }
        for (double r : rates) {
            if (!(r > 0)) {
                throw new IllegalArgumentException("rate: " + r + " (expected: > 0)");
            }
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative() || warmup.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("duration " + duration + ", warm-up " + warmup
                    + " (expected: duration > 0, 0 <= warm-up < duration)");
        }
        if (!(cv >= 0)) {
            throw new IllegalArgumentException("cv: " + cv + " (expected: >= 0)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
    }

    /** One run of the sweep, as it finishes. */
    public record Progress(String policy, double rate, long seed, RunSummary summary, PolicyLab.Result result) {}

    /** Runs everything; {@code progress} hears of each run as it ends (on the calling thread, in report order). */
    public SweepReport run(Consumer<Progress> progress) {
        List<Callable> jobs = new ArrayList<>();
        for (double rate : rates) {
            for (String policy : policies.keySet()) {
                for (long seed : seeds) {
                    jobs.add(new Callable(policy, rate, seed));
                }
            }
        }
        List<SweepReport.Point> points = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "infergate-lab");
            t.setDaemon(true);
            return t;
        })) {
            List<Future<Progress>> futures = new ArrayList<>();
            for (Callable job : jobs) {
                futures.add(pool.submit(job::call));
            }
            for (Future<Progress> f : futures) {
                Progress p = f.get();
                points.add(new SweepReport.Point(p.policy(), p.rate(), p.seed(), p.summary()));
                progress.accept(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a lab run failed: " + e.getCause().getMessage(), e.getCause());
        }
        return new SweepReport(workload.name(), workload.description(), describe(), points);
    }

    private Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", "policy lab (virtual time)");
        m.put("replicas", Integer.toString(settings.replicas()));
        m.put(
                "engine",
                settings.engine().servedModelName() + ", " + settings.engine().numGpuBlocks() + " KV blocks of "
                        + settings.engine().blockSize() + ", max-num-seqs "
                        + settings.engine().maxNumSeqs()
                        + (workload.adapters().isEmpty() ? "" : ", max-loras " + workload.maxLoras()));
        m.put(
                "scrape",
                settings.scrapeInterval().toMillis() + " ms every endpoint, answered after "
                        + settings.scrapeDelay().toMillis() + " ms");
        m.put(
                "network",
                String.format(
                        Locale.ROOT, "%.3f ms one way", settings.networkDelay().toNanos() / 1e6));
        m.put(
                "admission",
                settings.flowControl()
                        ? "flow control (GIE defaults) in front of every policy"
                        : "none for the baselines; GIE's utilization detector sheds sheddable requests for the scheduler's profiles");
        m.put(
                "arrivals",
                (cv == 1 ? "Poisson" : cv == 0 ? "constant" : "gamma cv " + cv) + ", " + duration.toSeconds()
                        + " s per run, first " + warmup.toSeconds() + " s not counted");
        m.put("seeds", seeds.toString());
        m.put(
                "slo",
                String.format(Locale.ROOT, "TTFT <= %.0f ms and TPOT <= %.0f ms", slo.ttftMillis(), slo.tpotMillis()));
        return m;
    }

    /** The lab settings of the run with {@code seed}: LoRA enabled on the engines when the workload names adapters. */
    public LabSettings settingsFor(long seed) {
        LabSettings s = settings.withSeed(seed);
        if (!workload.adapters().isEmpty()) {
            s = s.withEngine(s.engine().toBuilder()
                    .enableLora(true)
                    .maxLoras(workload.maxLoras())
                    .maxCpuLoras(workload.maxLoras())
                    .build()); // vLLM: cpu = gpu slots
        }
        return s;
    }

    /** The requests of one run: {@code duration} of arrivals at {@code rate}. */
    public List<WorkloadRequest> requests(double rate, long seed) {
        Arrivals arrivals = Arrivals.stages(cv, List.of(Arrivals.Stage.of(rate, duration)));
        return workload.schedule(arrivals, seed, Integer.MAX_VALUE);
    }

    private final class Callable {
        private final String policy;
        private final double rate;
        private final long seed;

        Callable(String policy, double rate, long seed) {
            this.policy = policy;
            this.rate = rate;
            this.seed = seed;
        }

        Progress call() {
            PolicyLab lab = new PolicyLab(settingsFor(seed));
            PolicyLab.Result r = lab.run(requests(rate, seed), workload.adapters(), policies.get(policy));
            RunSummary s = RunSummary.of(r.recordsFrom(warmup.toNanos()), slo);
            return new Progress(policy, rate, seed, s, r);
        }
    }
}
