package io.infergate.testing;

import java.util.SplittableRandom;

/**
 * Runs a property as many seeded trials: each trial gets its own {@link SplittableRandom}, derived from a base seed
 * and the trial's index, so a run is the same every time and a failure names what reproduces it. The base seed is
 * the test's own unless {@value #SEED_PROPERTY} is set; {@value #SCALE_PROPERTY} multiplies every trial count (e.g.
 * {@code -Dinfergate.trials.scale=100} for a long exploratory run). Each trial runs through {@link Bounded}, so a
 * loop in the code under test fails the test instead of hanging it.
 *
 * <p>Threading: called from the test's thread; trials run one after another. A failing trial's error is rethrown
 * wrapped in an {@link AssertionError} whose message names the base seed and the trial.
 */
public final class Trials {

    /** System property overriding every test's base seed. */
    public static final String SEED_PROPERTY = "infergate.seed";
    /** System property multiplying every trial count (a positive integer; default 1). */
    public static final String SCALE_PROPERTY = "infergate.trials.scale";

    /** One trial: the generator to draw from and the trial's index. */
    @FunctionalInterface
    public interface Trial {
        void run(SplittableRandom random, int index) throws Exception;
    }

    private Trials() {}

    /** The base seed in force: {@value #SEED_PROPERTY} when set, else {@code defaultSeed}. */
    public static long seed(long defaultSeed) {
        String s = System.getProperty(SEED_PROPERTY);
        return s == null || s.isBlank() ? defaultSeed : Long.decode(s.trim());
    }

    /** {@code trials} times the scale {@value #SCALE_PROPERTY} (default 1). */
    public static int count(int trials) {
        String s = System.getProperty(SCALE_PROPERTY);
        return s == null || s.isBlank() ? trials : Math.multiplyExact(trials, Integer.parseInt(s.trim()));
    }

    /** Runs {@link #count(int) count(trials)} trials from {@link #seed(long) seed(defaultSeed)}. */
    public static void run(long defaultSeed, int trials, Trial trial) {
        long base = seed(defaultSeed);
        int n = count(trials);
        for (int i = 0; i < n; i++) {
            SplittableRandom random = new SplittableRandom(mix(base, i));
            int index = i;
            try {
                Bounded.run(() -> {
                    try {
                        trial.run(random, index);
                    } catch (RuntimeException | Error e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (RuntimeException | Error e) {
                throw new AssertionError(
                        "trial " + i + " of " + n + " failed (base seed " + base + "; rerun with -D" + SEED_PROPERTY
                                + "=" + base + "): " + e,
                        e);
            }
        }
    }

    /** A well-spread seed for trial {@code i}: SplittableRandom's own mixing of the pair. */
    private static long mix(long base, int i) {
        return new SplittableRandom(base ^ (0x9E3779B97F4A7C15L * (i + 1))).nextLong();
    }
}
