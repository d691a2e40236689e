package io.infergate.simulator.engine;

/**
 * The distributions an engine records, each with vLLM's bucket bounds ({@code vllm/v1/metrics/loggers.py}). Metric
 * flavors whose servers use other buckets pass their own to {@link EngineMetrics}.
 */
public enum Observation {
    /** Seconds from arrival to the first token. */
    TIME_TO_FIRST_TOKEN(new double[] {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
        160.0, 640.0, 2560.0
    }),
    /** Seconds between consecutive tokens of one request. */
    INTER_TOKEN_LATENCY(new double[] {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0
    }),
    /** Seconds from arrival to the last token. */
    E2E_LATENCY(Buckets.REQUEST_LATENCY),
    /** Seconds waiting before first admission. */
    QUEUE_TIME(Buckets.REQUEST_LATENCY),
    /** Seconds from first admission to finish. */
    INFERENCE_TIME(Buckets.REQUEST_LATENCY),
    /** Seconds from first admission to first token. */
    PREFILL_TIME(Buckets.REQUEST_LATENCY),
    /** Seconds from first to last token. */
    DECODE_TIME(Buckets.REQUEST_LATENCY),
    /** Per request: (last token - first token) / (output tokens - 1), seconds. */
    REQUEST_TIME_PER_OUTPUT_TOKEN(new double[] {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0
    }),
    /** Prompt tokens per request. */
    PROMPT_TOKENS(null),
    /** Generated tokens per request. */
    GENERATION_TOKENS(null),
    /** {@code max_tokens} per request (only requests that set it). */
    MAX_TOKENS_PARAM(null),
    /** Tokens scheduled per engine step. */
    ITERATION_TOKENS(new double[] {1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384}),
    /** Preemptions per finished request. */
    PREEMPTIONS_PER_REQUEST(new double[] {0, 1, 2, 5, 10, 20, 50, 100}),
    /** Seconds per engine step (TGI's forward duration). */
    STEP_DURATION(
            new double[] {0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5
            });

    private final double[] vllmBounds;

    Observation(double[] vllmBounds) {
        this.vllmBounds = vllmBounds;
    }

    /** vLLM's bounds; token-count distributions use the 1-2-5 series up to {@code maxModelLen}. */
    public double[] vllmBounds(int maxModelLen) {
        return vllmBounds != null ? vllmBounds.clone() : Histogram.oneTwoFive(maxModelLen);
    }

    private static final class Buckets {
        static final double[] REQUEST_LATENCY = {
            0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0,
            960.0, 1920.0, 7680.0
        };
    }
}
