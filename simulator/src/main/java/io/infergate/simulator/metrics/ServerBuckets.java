package io.infergate.simulator.metrics;

/**
 * Histogram bucket bounds of the non-vLLM servers, where they differ from vLLM's
 * ({@link io.infergate.simulator.engine.Observation}).
 *
 * <p>Every method returns a fresh array. Threading: stateless, any thread.
 */
final class ServerBuckets {

    private ServerBuckets() {}

    // SGLang: the bounds in its docs/references/production_metrics.md scrape (test resource metrics/sglang.txt).
    // Newer SGLang releases changed them more than once; this is the set a documented scrape shows.
    private static final double[] SGLANG_TTFT = {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 15.0, 20.0, 25.0,
        30.0
    };
    private static final double[] SGLANG_E2E = {
        0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0
    };
    private static final double[] SGLANG_TPOT = {
        0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5
    };

    // trtllm-serve (tensorrt_llm/metrics/collector.py): prefill time has its own list, the others copy vLLM.
    private static final double[] TRTLLM_PREFILL = {
        0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0
    };

    static double[] sglangTimeToFirstToken() {
        return SGLANG_TTFT.clone();
    }

    static double[] sglangE2eLatency() {
        return SGLANG_E2E.clone();
    }

    static double[] sglangTimePerOutputToken() {
        return SGLANG_TPOT.clone();
    }

    static double[] trtllmPrefillTime() {
        return TRTLLM_PREFILL.clone();
    }

    /**
     * TGI {@code router/src/server.rs}: every metric whose name ends in {@code duration} gets 35 bounds,
     * starting from 0.0001 s and multiplied by 1.5 before each is added (0.00015 … ~146 s). Computed by the
     * same repeated multiplication so the doubles match TGI's bit for bit.
     */
    static double[] tgiDuration() {
        double[] out = new double[35];
        double value = 0.0001;
        for (int i = 0; i < out.length; i++) {
            value *= 1.5;
            out[i] = value;
        }
        return out;
    }

    /** TGI's token-length buckets: {@code (max / 100.0) * (x + 1)} for x in 0..99. */
    static double[] tgiLinear(int max) {
        double[] out = new double[100];
        for (int x = 0; x < out.length; x++) {
            out[x] = (max / 100.0) * (x + 1);
        }
        return out;
    }
}
