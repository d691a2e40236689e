package io.infergate.bench.sim;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.RequestObserver;
import io.infergate.simulator.engine.RequestOutcome;
import io.infergate.simulator.loop.DiscreteEventLoop;
import io.infergate.simulator.loop.VirtualEngineDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Measures how fast the virtual-time loop simulates: a fleet of engines in one {@link DiscreteEventLoop}
 * serving a seeded Poisson stream of requests (ShareGPT-like lengths, a share of them with a common
 * system prompt), sent round-robin. Reports simulated requests per second of real time alongside the
 * simulated latencies, so a speed-up that changed the behaviour would show.
 *
 * <p>Not thread-safe; one run per instance of {@link #run}. Same inputs, same simulated results.
 *
 * @param engines      engines in the fleet
 * @param requests     requests to send
 * @param ratePerSec   Poisson arrival rate for the whole fleet (simulated time)
 * @param sharedPrefix fraction of requests starting with one of 16 shared 1,000-token system prompts
 * @param seed         seeds arrivals, lengths and engines
 */
public record VirtualFleetRun(
        EngineConfig config, int engines, int requests, double ratePerSec, double sharedPrefix, long seed) {

    public VirtualFleetRun {
        if (engines < 1 || requests < 1 || !(ratePerSec > 0) || !(sharedPrefix >= 0 && sharedPrefix <= 1)) {
            throw new IllegalArgumentException("engines " + engines + ", requests " + requests + ", rate " + ratePerSec
                    + ", sharedPrefix " + sharedPrefix + " (expected: >= 1, >= 1, > 0, 0..1)");
        }
    }

    /**
     * @param wallNanos         real time the simulation took (generation of the workload excluded)
     * @param simulatedNanos    virtual time from the first arrival to the last token
     * @param completed         requests that finished normally (all of them, unless the engine is broken)
     * @param outputTokens      tokens generated in all
     * @param ttftMillis        time-to-first-token distribution, ms
     * @param prefixHitRate     prompt tokens served from the prefix cache / prompt tokens queried
     */
    public record Result(
            long wallNanos,
            long simulatedNanos,
            int completed,
            long outputTokens,
            long steps,
            Histogram ttftMillis,
            double prefixHitRate,
            long preemptions) {

        public double requestsPerRealSecond() {
            return completed / (wallNanos / 1e9);
        }

        public double speedup() {
            return simulatedNanos / (double) wallNanos;
        }
    }

    public Result run() {
        DiscreteEventLoop loop = new DiscreteEventLoop();
        List<VirtualEngineDriver> drivers = new ArrayList<>();
        for (int i = 0; i < engines; i++) {
            Engine e = new Engine(config, loop.clock(), new EngineMetrics(config), seed * 31 + i);
            drivers.add(new VirtualEngineDriver(e, loop));
        }
        Histogram ttft = new Histogram(3_600_000L, 3);
        int[] completed = new int[1];
        long[] tokens = new long[1];
        RequestObserver observer = new RequestObserver() {
            @Override
            public void onToken(int index, int tokenId, long nanoTime) {
                tokens[0]++;
            }

            @Override
            public void onFinish(RequestOutcome o) {
                if (o.reason() != FinishReason.ABORT) {
                    completed[0]++;
                    ttft.recordValue(Math.max(0, Math.min(ttft.getHighestTrackableValue(), o.ttftNanos() / 1_000_000)));
                }
            }
        };
        SplittableRandom random = new SplittableRandom(seed);
        int[][] systemPrompts = new int[16][];
        for (int i = 0; i < systemPrompts.length; i++) {
            systemPrompts[i] = tokens(random, 1000);
        }
        double t = 0;
        for (int i = 0; i < requests; i++) {
            t += -Math.log(1 - random.nextDouble()) / ratePerSec;
            int[] prompt = tokens(random, lengthAround(random, 202, 8, config.maxModelLen() / 2));
            if (random.nextDouble() < sharedPrefix) {
                int[] sys = systemPrompts[random.nextInt(systemPrompts.length)];
                int[] joined = new int[Math.min(sys.length + prompt.length, config.maxModelLen() / 2)];
                System.arraycopy(sys, 0, joined, 0, Math.min(sys.length, joined.length));
                System.arraycopy(prompt, 0, joined, sys.length, Math.max(0, joined.length - sys.length));
                prompt = joined;
            }
            int out = lengthAround(random, 179, 1, config.maxModelLen() - prompt.length);
            EngineRequest r = new EngineRequest("r" + i, null, prompt, out, FinishReason.STOP, -1, observer);
            VirtualEngineDriver d = drivers.get(i % engines);
            loop.schedule(Math.round(t * 1e9), () -> d.submit(r));
        }
        long start = System.nanoTime();
        loop.run();
        long wall = System.nanoTime() - start;
        long queries = 0;
        long hits = 0;
        long steps = 0;
        long preemptions = 0;
        for (VirtualEngineDriver d : drivers) {
            EngineMetrics m = d.engine().metrics();
            queries += m.prefixCacheQueries();
            hits += m.prefixCacheHits();
            steps += m.steps();
            preemptions += m.preemptions();
        }
        return new Result(
                wall,
                loop.now(),
                completed[0],
                tokens[0],
                steps,
                ttft,
                queries == 0 ? 0 : hits / (double) queries,
                preemptions);
    }

    /** A heavy-tailed (log-normal) length with the given mean, clamped to [min, max]. */
    private static int lengthAround(SplittableRandom random, double mean, int min, int max) {
        double sigma = 0.9;
        double mu = Math.log(mean) - sigma * sigma / 2;
        double g = random.nextGaussian();
        return (int) Math.max(min, Math.min(max, Math.round(Math.exp(mu + sigma * g))));
    }

    private static int[] tokens(SplittableRandom random, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = random.nextInt(32_000);
        }
        return p;
    }
}
