package io.infergate.simulator.loop;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.RequestObserver;
import io.infergate.simulator.engine.RequestOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test support: one or more engines in a discrete-event loop, with every token and outcome recorded. */
public final class SimHarness {

    /** What one request saw. */
    public static final class Trace implements RequestObserver {
        public final List<Long> tokenTimes = new ArrayList<>();
        public final List<Integer> tokenIndexes = new ArrayList<>();
        public RequestOutcome outcome;
        public int finishCalls;

        @Override
        public void onToken(int index, int tokenId, long nanoTime) {
            tokenIndexes.add(index);
            tokenTimes.add(nanoTime);
        }

        @Override
        public void onFinish(RequestOutcome outcome) {
            this.outcome = outcome;
            finishCalls++;
        }

        public double ttftMs() {
            return outcome.ttftNanos() / 1e6;
        }

        /** Mean gap between consecutive tokens, ms. */
        public double meanItlMs() {
            return (tokenTimes.get(tokenTimes.size() - 1) - tokenTimes.get(0)) / 1e6 / (tokenTimes.size() - 1);
        }
    }

    public final DiscreteEventLoop loop = new DiscreteEventLoop();
    public final List<VirtualEngineDriver> drivers = new ArrayList<>();
    public final Map<String, Trace> traces = new LinkedHashMap<>();

    public SimHarness(EngineConfig config, int engines, long seed) {
        for (int i = 0; i < engines; i++) {
            Engine e = new Engine(config, loop.clock(), new EngineMetrics(config), seed + i);
            drivers.add(new VirtualEngineDriver(e, loop));
        }
    }

    public Engine engine(int i) {
        return drivers.get(i).engine();
    }

    /** Submits at virtual time {@code atMs}. */
    public Trace submitAt(double atMs, int engine, String id, String adapter, int[] prompt, int outputTokens) {
        Trace t = new Trace();
        traces.put(id, t);
        loop.schedule(
                Math.round(atMs * 1e6),
                () -> drivers.get(engine)
                        .submit(new EngineRequest(
                                id, adapter, prompt, outputTokens, FinishReason.LENGTH, outputTokens, t)));
        return t;
    }

    /** A prompt of {@code n} token ids derived from {@code seed}: equal seeds, equal prompts. */
    public static int[] prompt(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = (int) Math.floorMod(seed * 1_000_003L + i * 7919L, 32_000L);
        }
        return p;
    }

    /** {@code shared} tokens of {@code prefix} followed by {@code n - shared} tokens of {@code suffix}. */
    public static int[] prompt(int n, int shared, long prefix, long suffix) {
        int[] a = prompt(n, prefix);
        int[] b = prompt(n, suffix);
        System.arraycopy(b, shared, a, shared, n - shared);
        return a;
    }
}
