package io.infergate.simulator.engine;

import java.util.SplittableRandom;

/**
 * Test support: writes {@link EngineMetrics} from outside the engine package, so that exposition tests can
 * fill every gauge, counter, histogram and LoRA series without running an engine.
 *
 * <p>Threading: like the engine, call from one thread.
 */
public final class EngineMetricsTestSupport {

    private EngineMetricsTestSupport() {}

    public static void observe(EngineMetrics m, Observation o, double value) {
        m.observe(o, value);
    }

    public static void setGauges(
            EngineMetrics m, int running, int waiting, int waitingDeferred, double kvCacheUsage, long usedBlocks) {
        m.setGauges(running, waiting, waitingDeferred, kvCacheUsage, usedBlocks);
    }

    public static void setGenerationThroughput(EngineMetrics m, double tokensPerSecond) {
        m.setGenerationThroughput(tokensPerSecond);
    }

    public static void addPromptTokens(EngineMetrics m, long n) {
        m.addPromptTokens(n);
    }

    public static void addGenerationTokens(EngineMetrics m, long n) {
        m.addGenerationTokens(n);
    }

    public static void addPreemption(EngineMetrics m) {
        m.addPreemption();
    }

    public static void addPrefixCacheQuery(EngineMetrics m, long queried, long hit) {
        m.addPrefixCacheQuery(queried, hit);
    }

    public static void addRequestReceived(EngineMetrics m) {
        m.addRequestReceived();
    }

    public static void addStep(EngineMetrics m, boolean hadPrefill) {
        m.addStep(hadPrefill);
    }

    public static void addFinished(EngineMetrics m, FinishReason reason) {
        m.addFinished(reason);
    }

    public static void setLoraInfo(EngineMetrics m, EngineMetrics.LoraInfoKey key, double unixSeconds) {
        m.setLoraInfo(key, unixSeconds);
    }

    /**
     * Fills every number with distinct, seed-determined values: each histogram gets observations below, on,
     * between and above its bounds (so the {@code +Inf} bucket is not empty); the LoRA series get increasing
     * timestamps starting at {@code epochUnixSeconds}, and one adapter name carries a quote, a backslash and a
     * newline so that escaping is exercised end to end.
     */
    public static void fill(EngineMetrics m, long seed, double epochUnixSeconds) {
        SplittableRandom r = new SplittableRandom(seed);
        EngineConfig c = m.config();
        for (Observation o : Observation.values()) {
            double[] b = m.histogram(o).bounds();
            boolean integral = isTokenCount(o);
            int n = 20 + r.nextInt(40);
            for (int i = 0; i < n; i++) {
                double v = switch (i % 4) {
                    case 0 -> b[r.nextInt(b.length)]; // exactly on a bound: le is inclusive
                    case 1 -> b[b.length - 1] * (1 + r.nextDouble()); // above every bound: +Inf only
                    default -> r.nextDouble() * b[b.length - 1]; // somewhere inside
                };
                m.observe(o, integral ? Math.rint(v) : v);
            }
        }
        long usable = c.numGpuBlocks() - 1L;
        long used = r.nextLong(usable);
        int waiting = 3 + r.nextInt(50);
        m.setGauges(1 + r.nextInt(c.maxNumSeqs()), waiting, r.nextInt(waiting), (double) used / usable, used);
        m.setGenerationThroughput(r.nextDouble() * 5000);
        m.setLastStep(r.nextInt(8), r.nextInt(8192), epochUnixSeconds + r.nextInt(1000));
        m.addPromptTokens(1 + r.nextLong(10_000_000));
        m.addGenerationTokens(1 + r.nextLong(10_000_000));
        for (int i = r.nextInt(5, 20); i > 0; i--) {
            m.addPreemption();
        }
        long queried = 1 + r.nextLong(5_000_000);
        m.addPrefixCacheQuery(queried, r.nextLong(queried));
        int requests = 50 + r.nextInt(100);
        for (int i = 0; i < requests; i++) {
            m.addRequestReceived();
            m.addFinished(FinishReason.values()[r.nextInt(FinishReason.values().length)]);
        }
        for (int i = 100 + r.nextInt(100); i > 0; i--) {
            m.addStep(r.nextInt(3) == 0);
        }
        if (c.enableLora()) {
            String[] adapters = {"sql-lora", "tweet\"summary\\v2\nbeta", "zh-en"};
            double t = epochUnixSeconds;
            for (int i = 0; i < 6; i++) {
                t += 0.001 + r.nextDouble();
                String running = i % 3 == 0 ? "" : adapters[i % adapters.length] + "," + adapters[(i + 1) % 3];
                String queued = i % 2 == 0 ? "" : adapters[(i + 2) % adapters.length];
                m.setLoraInfo(new EngineMetrics.LoraInfoKey(c.maxLoras(), running, queued), t);
            }
        }
    }

    private static boolean isTokenCount(Observation o) {
        return switch (o) {
            case PROMPT_TOKENS, GENERATION_TOKENS, MAX_TOKENS_PARAM, ITERATION_TOKENS, PREEMPTIONS_PER_REQUEST -> true;
            default -> false;
        };
    }
}
