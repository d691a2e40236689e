package io.infergate.bench.workload;

import java.util.SplittableRandom;

/**
 * A heavy-tailed length distribution: log-normal {@code exp(mu + sigma * Z)}, truncated to {@code [min, max]} by
 * resampling (as vLLM's ShareGPT sampler drops sequences outside its bounds rather than clipping them), then
 * rounded. {@link #withMean} solves for {@code mu} so that the <em>truncated</em> mean is the target.
 *
 * <p>The ShareGPT-like presets ({@link #SHAREGPT_INPUT}, {@link #SHAREGPT_OUTPUT}):
 * <ul>
 *   <li>Means 202 (input) and 179 (output) tokens: the vLLM v0.6 performance blog's ShareGPT sample (500
 *       prompts, Llama-3 tokenizer), the same numbers GIE's simulator uses as N(202, 20) / N(179, 17)
 *       (GIE's {@code tools/simulations/llm_ig_simulation}, since removed upstream). A normal with sd 20 has no tail;
 *       real ShareGPT lengths are heavy-tailed with medians well below the means, hence a log-normal.</li>
 *   <li>{@code sigma = 1.0}: gives median/mean = {@code exp(-sigma^2/2)} ≈ 0.61, the ratio the Azure 2023
 *       conversation trace shows for outputs (median 129 / mean 211, microsoft/vidur {@code
 *       data/processed_traces/splitwise_conv.csv}); no published ShareGPT median was at hand, so this is a calibration
 *       choice, not a sourced fit.</li>
 *   <li>Bounds {@code [4, 1024]}: vLLM's ShareGPT filter ({@code min_len=4, max_prompt_len=1024}); the output
 *       uses the same upper bound (the filter's {@code max_total_len=2048} is not modelled jointly).</li>
 * </ul>
 * With these the median is roughly 0.6 of the mean and the p99 several times the mean (LengthsTest checks both).
 *
 * <p>Immutable and thread-safe.
 *
 * @param mu    the log-scale location
 * @param sigma the log-scale spread, {@code > 0}
 * @param min   the smallest length, {@code >= 1}
 * @param max   the largest length, {@code >= min}
 */
public record LogNormalLengths(double mu, double sigma, int min, int max) implements LengthDistribution {

    /** ShareGPT-like prompt lengths (see the class comment). */
    public static final LogNormalLengths SHAREGPT_INPUT = withMean(202, 1.0, 4, 1024);
    /** ShareGPT-like output lengths (see the class comment). */
    public static final LogNormalLengths SHAREGPT_OUTPUT = withMean(179, 1.0, 4, 1024);

    public LogNormalLengths {
        if (!Double.isFinite(mu)) {
            throw new IllegalArgumentException("mu: " + mu + " (expected: finite)");
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma: " + sigma + " (expected: finite, > 0)");
        }
        LengthDistribution.checkBounds(min, max);
    }

    /** The log-normal of spread {@code sigma}, cut to {@code [min, max]}, whose mean after the cut is {@code mean}. */
    public static LogNormalLengths withMean(double mean, double sigma, int min, int max) {
        LengthDistribution.checkBounds(min, max);
        if (!(mean > min && mean < max)) {
            throw new IllegalArgumentException(
                    "mean: " + mean + " (expected: strictly between " + min + " and " + max + ")");
        }
        // the truncated mean rises monotonically with mu: bisect
        double lo = Math.log(min) - 10 * sigma;
        double hi = Math.log(max) + 10 * sigma;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (truncatedMean(mid, sigma, min, max) < mean) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return new LogNormalLengths((lo + hi) / 2, sigma, min, max);
    }

    @Override
    public int sample(SplittableRandom rnd) {
        double a = Math.log(min);
        double b = Math.log(max);
        for (int i = 0; i < 10_000; i++) {
            double z = mu + sigma * Randoms.normal(rnd);
            if (z >= a && z <= b) {
                return (int) Math.max(min, Math.min(max, Math.round(Math.exp(z))));
            }
        }
        return (int) Math.max(min, Math.min(max, Math.round(Math.exp(mu)))); // [min, max] far in a tail
    }

    @Override
    public double mean() {
        return truncatedMean(mu, sigma, min, max);
    }

    /** The {@code q}-quantile of the truncated distribution (before rounding). */
    public double quantile(double q) {
        double lo = min;
        double hi = max;
        double fa = Randoms.normalCdf((Math.log(min) - mu) / sigma);
        double fb = Randoms.normalCdf((Math.log(max) - mu) / sigma);
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            double f = (Randoms.normalCdf((Math.log(mid) - mu) / sigma) - fa) / (fb - fa);
            if (f < q) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** E[X | min <= X <= max] for X log-normal(mu, sigma). */
    static double truncatedMean(double mu, double sigma, double min, double max) {
        double a = (Math.log(min) - mu) / sigma;
        double b = (Math.log(max) - mu) / sigma;
        double mass = Randoms.normalCdf(b) - Randoms.normalCdf(a);
        if (mass <= 1e-300) {
            return mu < Math.log(min) ? min : max;
        }
        double partial = Randoms.normalCdf(b - sigma) - Randoms.normalCdf(a - sigma);
        return Math.exp(mu + sigma * sigma / 2) * partial / mass;
    }
}
