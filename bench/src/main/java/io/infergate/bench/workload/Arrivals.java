package io.infergate.bench.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.SplittableRandom;

/**
 * An arrival process: a sequence of stages, each at a constant mean rate for a duration, with inter-arrival gaps of
 * a given coefficient of variation (vLLM {@code vllm/benchmarks/serve.py} {@code get_request}, inference-perf's load
 * types):
 * <ul>
 *   <li>{@code cv = 1}: exponential gaps, a Poisson process ({@link #poisson}; inference-perf {@code poisson},
 *       vLLM {@code --burstiness 1});</li>
 *   <li>{@code cv = 0}: evenly spaced ({@link #constant}; inference-perf {@code constant});</li>
 *   <li>any other {@code cv}: Gamma gaps of shape {@code 1/cv^2} and mean {@code 1/rate} ({@link #gamma}; vLLM's
 *       {@code burstiness = 1/cv^2}); {@code cv > 1} is burstier than Poisson.</li>
 * </ul>
 * Stages ({@link #stages}, {@link #ladder}) follow one another; each starts its own renewal process at its start
 * time, and the arrival that would overshoot a stage's end is dropped (for Poisson this is exact; for other gaps the
 * first gap of a stage is a full gap rather than a residual one). vLLM's rescaling of the last arrival to
 * {@code N/rate} is not done.
 *
 * <p>Immutable and thread-safe; {@link #times(long)} returns a new, not thread-safe iterator each call.
 *
 * @param cv     the inter-arrival coefficient of variation, {@code >= 0}
 * @param stages one or more stages; only the last may be unbounded
 */
public record Arrivals(double cv, List<Stage> stages) {

    /** Marks an endless stage. */
    public static final long FOREVER = Long.MAX_VALUE;

    /**
     * A stage at a constant mean rate.
     *
     * @param ratePerSecond  mean arrivals per second, finite, {@code > 0}
     * @param durationNanos  the stage's length, {@code > 0}, or {@link #FOREVER}
     */
    public record Stage(double ratePerSecond, long durationNanos) {
        public Stage {
            if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
                throw new IllegalArgumentException("ratePerSecond: " + ratePerSecond + " (expected: finite, > 0)");
            }
            if (durationNanos <= 0) {
                throw new IllegalArgumentException("durationNanos: " + durationNanos + " (expected: > 0)");
            }
        }

        public static Stage of(double ratePerSecond, Duration duration) {
            return new Stage(ratePerSecond, duration.toNanos());
        }
    }

    public Arrivals {
        if (!(cv >= 0) || Double.isInfinite(cv)) {
            throw new IllegalArgumentException("cv: " + cv + " (expected: finite, >= 0)");
        }
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("stages: empty (expected: at least one)");
        }
        for (int i = 0; i < stages.size() - 1; i++) {
            if (stages.get(i).durationNanos() == FOREVER) {
                throw new IllegalArgumentException("stages[" + i + "]: endless but not last");
            }
        }
    }

    /** Endless Poisson arrivals at {@code rate} per second. */
    public static Arrivals poisson(double rate) {
        return new Arrivals(1.0, List.of(new Stage(rate, FOREVER)));
    }

    /** Endless gamma arrivals at {@code rate} per second whose gaps have coefficient of variation {@code cv}. */
    public static Arrivals gamma(double rate, double cv) {
        return new Arrivals(cv, List.of(new Stage(rate, FOREVER)));
    }

    /** Endless evenly spaced arrivals at {@code rate} per second. */
    public static Arrivals constant(double rate) {
        return new Arrivals(0.0, List.of(new Stage(rate, FOREVER)));
    }

    /** Finite stages with gaps of coefficient of variation {@code cv} (1 for Poisson, 0 for constant). */
    public static Arrivals stages(double cv, List<Stage> stages) {
        return new Arrivals(cv, stages);
    }

    /**
     * A rate ladder: stages at {@code from, from + step, ...} up to and including {@code to} (within rounding),
     * each lasting {@code each}; e.g. GIE's Poisson ladder 10 to 60 QPS.
     */
    public static Arrivals ladder(double cv, double from, double to, double step, Duration each) {
        if (!(step > 0) || !(to >= from)) {
            throw new IllegalArgumentException(
                    "ladder: from " + from + " to " + to + " by " + step + " (expected: step > 0, to >= from)");
        }
        int n = (int) Math.floor((to - from) / step + 1e-9) + 1;
        List<Stage> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(Stage.of(from + i * step, each));
        }
        return new Arrivals(cv, list);
    }

    /** Total length in nanoseconds, or {@link #FOREVER}. */
    public long durationNanos() {
        long sum = 0;
        for (Stage s : stages) {
            if (s.durationNanos() == FOREVER) {
                return FOREVER;
            }
            sum = Math.addExact(sum, s.durationNanos());
        }
        return sum;
    }

    /** Arrival times in nanoseconds from the start, non-decreasing; ends after the last stage (if it ends). */
    public PrimitiveIterator.OfLong times(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double shape = cv == 0 ? 0 : 1.0 / (cv * cv);
        return new PrimitiveIterator.OfLong() {
            private int stage;
            private long stageStart;
            private double offsetSeconds; // from stageStart, in double so rounding does not accumulate
            private long next = -1; // -1: not computed yet

            @Override
            public boolean hasNext() {
                if (next < 0) {
                    next = advance();
                }
                return next != Long.MIN_VALUE;
            }

            @Override
            public long nextLong() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the last stage has ended");
                }
                long t = next;
                next = -1;
                return t;
            }

            private long advance() {
                while (stage < stages.size()) {
                    Stage s = stages.get(stage);
                    offsetSeconds += gap(rnd, shape) / s.ratePerSecond();
                    long t = stageStart + Math.round(offsetSeconds * 1e9);
                    long end = s.durationNanos() == FOREVER ? FOREVER : stageStart + s.durationNanos();
                    if (t < end) {
                        return t;
                    }
                    stage++;
                    stageStart = end;
                    offsetSeconds = 0;
                }
                return Long.MIN_VALUE;
            }
        };
    }

    /** One gap of mean 1. */
    private double gap(SplittableRandom rnd, double shape) {
        if (cv == 0) {
            return 1.0;
        }
        if (cv == 1.0) {
            return Randoms.exponential(rnd);
        }
        return Randoms.gamma(rnd, shape) / shape;
    }
}
