package io.infergate.bench.fidelity;

/**
 * One constant-rate stage of a published inference-perf run, as its {@code stage_N_lifecycle_metrics.json}
 * reports it (means over the stage's successful requests).
 *
 * <p>Immutable; any thread.
 *
 * @param offeredQps     {@code load_summary.requested_rate}
 * @param achievedQps    {@code load_summary.achieved_rate}: below the offered rate once the client's 440 in-flight
 *                       requests are all waiting on the server (saturation)
 * @param ttftMeanMs     {@code time_to_first_token.mean}
 * @param e2eMeanMs      {@code request_latency.mean}
 * @param requestsPerSec {@code throughput.requests_per_sec} (completions over the stage)
 */
public record PublishedStage(
        double offeredQps, double achievedQps, double ttftMeanMs, double e2eMeanMs, double requestsPerSec) {

    public PublishedStage {
        if (!(offeredQps > 0)
                || !(achievedQps > 0)
                || !(ttftMeanMs > 0)
                || !(e2eMeanMs > ttftMeanMs)
                || !(requestsPerSec > 0)) {
            throw new IllegalArgumentException(
                    "stage " + offeredQps + " QPS: expected positive rates and" + " E2E > TTFT > 0");
        }
    }

    /** Whether the client could not send at the offered rate (more than 2 % short): the server was saturated. */
    public boolean saturated() {
        return achievedQps < 0.98 * offeredQps;
    }
}
