package io.infergate.simulator.fault;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Objects;

/**
 * The faults one replica injects. Immutable; {@link #NONE} injects nothing. The JSON form (admin API) uses
 * these component names; absent fields take the values of {@link #NONE}.
 *
 * @param errorRate          probability 0..1 that an inference request ({@code /v1/chat/completions},
 *                           {@code /v1/completions}, {@code /v1/embeddings}) is answered with an error
 *                           instead of being served
 * @param errorStatuses      the statuses such an error uses, one picked uniformly per error (400..599)
 * @param retryAfterSeconds  the {@code Retry-After} header sent with an injected 429 or 503; 0 = none
 * @param addedLatencyMs     delay before an inference request is handled (and so before its response starts)
 * @param crashAfterChunks   reset the connection (TCP RST) after this many SSE events of a streamed response
 *                           (0 = right after the headers); a non-streamed response is reset instead of
 *                           being sent; -1 = off
 * @param crashRate          probability 0..1 that a response is crashed when {@code crashAfterChunks >= 0}
 * @param metricsFault       what {@code GET /metrics} does wrong
 * @param metricsDelayMs     the delay of a {@link MetricsFault#SLOW} scrape
 */
public record FaultConfig(
        double errorRate,
        List<Integer> errorStatuses,
        int retryAfterSeconds,
        long addedLatencyMs,
        int crashAfterChunks,
        double crashRate,
        MetricsFault metricsFault,
        long metricsDelayMs) {

    /** No faults. */
    public static final FaultConfig NONE = new FaultConfig(0, List.of(500), 1, 0, -1, 1.0, MetricsFault.NONE, 2_000);

    /** An hour: a longer added latency is almost certainly a unit mistake. */
    static final long MAX_DELAY_MS = 3_600_000;

    public FaultConfig {
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("errorRate: " + errorRate + " (expected: 0..1)");
        }
        Objects.requireNonNull(errorStatuses, "errorStatuses");
        errorStatuses = List.copyOf(errorStatuses);
        if (errorStatuses.isEmpty()) {
            throw new IllegalArgumentException("errorStatuses: empty (expected: at least one status, e.g. [500])");
        }
        for (Integer s : errorStatuses) {
            if (s == null || s < 400 || s > 599) {
                throw new IllegalArgumentException(
                        "errorStatuses: " + s + " (expected: an HTTP error status 400..599)");
            }
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: >= 0)");
        }
        if (addedLatencyMs < 0 || addedLatencyMs > MAX_DELAY_MS) {
            throw new IllegalArgumentException(
                    "addedLatencyMs: " + addedLatencyMs + " (expected: 0.." + MAX_DELAY_MS + ")");
        }
        if (crashAfterChunks < -1) {
            throw new IllegalArgumentException(
                    "crashAfterChunks: " + crashAfterChunks + " (expected: -1 = off, or >= 0)");
        }
        if (!(crashRate >= 0 && crashRate <= 1)) {
            throw new IllegalArgumentException("crashRate: " + crashRate + " (expected: 0..1)");
        }
        Objects.requireNonNull(metricsFault, "metricsFault (expected one of: none, slow, failing, garbled)");
        if (metricsDelayMs < 0 || metricsDelayMs > MAX_DELAY_MS) {
            throw new IllegalArgumentException(
                    "metricsDelayMs: " + metricsDelayMs + " (expected: 0.." + MAX_DELAY_MS + ")");
        }
    }

    /** Whether this injects nothing at all. Not part of the JSON form. */
    @JsonIgnore
    public boolean isNone() {
        return errorRate == 0 && addedLatencyMs == 0 && crashAfterChunks < 0 && metricsFault == MetricsFault.NONE;
    }

    public FaultConfig withErrorRate(double v) {
        return new FaultConfig(
                v,
                errorStatuses,
                retryAfterSeconds,
                addedLatencyMs,
                crashAfterChunks,
                crashRate,
                metricsFault,
                metricsDelayMs);
    }

    public FaultConfig withErrorStatuses(List<Integer> v) {
        return new FaultConfig(
                errorRate,
                v,
                retryAfterSeconds,
                addedLatencyMs,
                crashAfterChunks,
                crashRate,
                metricsFault,
                metricsDelayMs);
    }

    public FaultConfig withRetryAfterSeconds(int v) {
        return new FaultConfig(
                errorRate, errorStatuses, v, addedLatencyMs, crashAfterChunks, crashRate, metricsFault, metricsDelayMs);
    }

    public FaultConfig withAddedLatencyMs(long v) {
        return new FaultConfig(
                errorRate,
                errorStatuses,
                retryAfterSeconds,
                v,
                crashAfterChunks,
                crashRate,
                metricsFault,
                metricsDelayMs);
    }

    public FaultConfig withCrashAfterChunks(int v) {
        return new FaultConfig(
                errorRate,
                errorStatuses,
                retryAfterSeconds,
                addedLatencyMs,
                v,
                crashRate,
                metricsFault,
                metricsDelayMs);
    }

    public FaultConfig withCrashRate(double v) {
        return new FaultConfig(
                errorRate,
                errorStatuses,
                retryAfterSeconds,
                addedLatencyMs,
                crashAfterChunks,
                v,
                metricsFault,
                metricsDelayMs);
    }

    public FaultConfig withMetricsFault(MetricsFault v) {
        return new FaultConfig(
                errorRate,
                errorStatuses,
                retryAfterSeconds,
                addedLatencyMs,
                crashAfterChunks,
                crashRate,
                v,
                metricsDelayMs);
    }

    public FaultConfig withMetricsDelayMs(long v) {
        return new FaultConfig(
                errorRate,
                errorStatuses,
                retryAfterSeconds,
                addedLatencyMs,
                crashAfterChunks,
                crashRate,
                metricsFault,
                v);
    }
}
