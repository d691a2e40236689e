package io.infergate.api.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiConsumer;

/**
 * The fault-handling limits an InferencePool's annotations set for that pool: outlier ejection, the retry budget
 * and how long its external endpoint picker may take. An absent one leaves the gateway-wide {@code serve} flag in
 * force ({@code --outlier-*}, {@code --retry-budget-*}, {@code --picker-timeout}). Read by {@code serve} ({@code gateway/.../config/PoolRuntime}) and checked by
 * validation, through the one parser {@link #of}, so both refuse the same values with the same words. Immutable;
 * any thread.
 *
 * @param consecutiveFailures {@value #CONSECUTIVE_FAILURES}: failed attempts in a row that eject an endpoint (0: off)
 * @param baseEjection        {@value #BASE_EJECTION}: the first ejection's length
 * @param maxEjection         {@value #MAX_EJECTION}: the longest ejection
 * @param maxEjectionPercent  {@value #MAX_EJECTION_PERCENT}: the largest share of the pool held out at once
 * @param retryBudgetPercent  {@value #RETRY_BUDGET_PERCENT}: the share of the pool's active requests that may be
 *                            retrying at once
 * @param retryBudgetMin      {@value #RETRY_BUDGET_MIN}: retries of the pool allowed at once whatever the share
 * @param pickerTimeout       {@value #PICKER_TIMEOUT}: how long the pool's external endpoint picker may take to
 *                            decide (a FailOpen pool then routes without it, a FailClose pool answers 503)
 */
public record PoolFaultLimits(
        OptionalInt consecutiveFailures,
        Optional<Duration> baseEjection,
        Optional<Duration> maxEjection,
        OptionalInt maxEjectionPercent,
        OptionalInt retryBudgetPercent,
        OptionalInt retryBudgetMin,
        Optional<Duration> pickerTimeout) {

    /** An integer >= 0; 0 turns ejection off for the pool. */
    public static final String CONSECUTIVE_FAILURES = "infergate.io/outlier-consecutive-failures";
    /** A positive Go duration ({@code 30s}), no longer than the max ejection when both are annotated. */
    public static final String BASE_EJECTION = "infergate.io/outlier-base-ejection";
    /** A positive Go duration ({@code 5m}). */
    public static final String MAX_EJECTION = "infergate.io/outlier-max-ejection";
    /** An integer 0..100. */
    public static final String MAX_EJECTION_PERCENT = "infergate.io/outlier-max-ejection-percent";
    /** An integer 0..100. */
    public static final String RETRY_BUDGET_PERCENT = "infergate.io/retry-budget-percent";
    /** An integer >= 0. */
    public static final String RETRY_BUDGET_MIN = "infergate.io/retry-budget-min";
    /** A positive Go duration ({@code 500ms}). */
    public static final String PICKER_TIMEOUT = "infergate.io/picker-timeout";

    /** No annotation: every limit is the gateway-wide one. */
    public static final PoolFaultLimits NONE = new PoolFaultLimits(
            OptionalInt.empty(),
            Optional.empty(),
            Optional.empty(),
            OptionalInt.empty(),
            OptionalInt.empty(),
            OptionalInt.empty(),
            Optional.empty());

    public PoolFaultLimits {
        Objects.requireNonNull(consecutiveFailures, "consecutiveFailures");
        Objects.requireNonNull(baseEjection, "baseEjection");
        Objects.requireNonNull(maxEjection, "maxEjection");
        Objects.requireNonNull(maxEjectionPercent, "maxEjectionPercent");
        Objects.requireNonNull(retryBudgetPercent, "retryBudgetPercent");
        Objects.requireNonNull(retryBudgetMin, "retryBudgetMin");
        Objects.requireNonNull(pickerTimeout, "pickerTimeout");
    }

    /** Whether no outlier annotation is set (the pool ejects as the flags say). */
    public boolean outliersUnset() {
        return consecutiveFailures.isEmpty()
                && baseEjection.isEmpty()
                && maxEjection.isEmpty()
                && maxEjectionPercent.isEmpty();
    }

    /** Whether no retry-budget annotation is set (the pool's budget is the flags'). */
    public boolean retryBudgetUnset() {
        return retryBudgetPercent.isEmpty() && retryBudgetMin.isEmpty();
    }

    /**
     * The limits {@code annotations} set. A value that is not valid is left out and reported to {@code problems}
     * as (annotation name, what is wrong with the value quoted); the caller decides whether that refuses the
     * configuration. Never throws on bad input.
     */
    public static PoolFaultLimits of(Map<String, String> annotations, BiConsumer<String, String> problems) {
        Optional<Duration> base =
                AnnotationDurations.positive(annotations, BASE_EJECTION, "an ejection length", problems);
        Optional<Duration> max =
                AnnotationDurations.positive(annotations, MAX_EJECTION, "an ejection length", problems);
        if (base.isPresent() && max.isPresent() && max.get().compareTo(base.get()) < 0) {
            problems.accept(
                    MAX_EJECTION,
                    "\"" + annotations.get(MAX_EJECTION) + "\" is shorter than " + BASE_EJECTION + " \""
                            + annotations.get(BASE_EJECTION) + "\" (expected: base <= max)");
            max = Optional.empty();
        }
        return new PoolFaultLimits(
                integer(annotations, CONSECUTIVE_FAILURES, 0, Integer.MAX_VALUE, problems),
                base,
                max,
                integer(annotations, MAX_EJECTION_PERCENT, 0, 100, problems),
                integer(annotations, RETRY_BUDGET_PERCENT, 0, 100, problems),
                integer(annotations, RETRY_BUDGET_MIN, 0, Integer.MAX_VALUE, problems),
                AnnotationDurations.positive(annotations, PICKER_TIMEOUT, "a timeout", problems));
    }

    private static OptionalInt integer(
            Map<String, String> annotations, String name, int min, int max, BiConsumer<String, String> problems) {
        String v = annotations.get(name);
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.accept(
                name,
                "\"" + v + "\" is not valid (expected: an integer "
                        + (max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max) + ")");
        return OptionalInt.empty();
    }
}
