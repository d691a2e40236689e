package io.infergate.gateway.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything recorded for one (incoming model, target model) pair. Recorded once, rendered under both the
 * current {@code inference_objective_*} and the legacy {@code inference_model_*} names.
 *
 * <p>Thread-safe and lock-free on the recording path (a map lookup, then adders and atomic bucket counters).
 */
final class ModelSeries {

    final ConcurrentHashMap<Integer, LongAdder> requestsByPriority = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();
    final Histogram duration = new Histogram(Buckets.GENERAL_LATENCY);
    final Histogram ttft = new Histogram(Buckets.GENERAL_LATENCY);
    final Histogram tpot = new Histogram(Buckets.TPOT);
    final Histogram ntpot = new Histogram(Buckets.NTPOT);
    final Histogram inputTokens = new Histogram(Buckets.INPUT_TOKENS);
    final Histogram outputTokens = new Histogram(Buckets.OUTPUT_TOKENS);

    void request(int priority) {
        requestsByPriority.computeIfAbsent(priority, k -> new LongAdder()).increment();
    }

    void error(String code) {
        errorsByCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    long requests() {
        long n = 0;
        for (LongAdder a : requestsByPriority.values()) {
            n += a.sum();
        }
        return n;
    }
}
