package io.infergate.simulator.engine;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How many tokens a request generates when it is not forced to {@code max_tokens}: the simulated
 * "model decides to stop" length.
 *
 * <p>Written as a spec string on the command line: {@code fixed:N}, {@code uniform:MIN:MAX},
 * {@code normal:MEAN:SD} or {@code lognormal:MEAN:SIGMA} (heavy-tailed, like ShareGPT answers; MEAN is
 * the distribution's mean, SIGMA the shape of the underlying normal). Samples are always >= 1.
 *
 * <p>Immutable; {@link #sample} uses only the generator it is given.
 */
public sealed interface OutputLengthDistribution {

    /** Draws one length (>= 1) from {@code random}. */
    int sample(RandomGenerator random);

    /** The spec string this distribution was parsed from (round-trips through {@link #parse}). */
    String spec();

    /** ShareGPT-like answers: mean 179 tokens (the vLLM v0.6 blog, blog.vllm.ai/2024/09/05/perf-update.html) with a
     * heavy tail.
     */
    OutputLengthDistribution DEFAULT = new LogNormal(179, 0.9);

    record Fixed(int tokens) implements OutputLengthDistribution {
        public Fixed {
            if (tokens < 1) {
                throw new IllegalArgumentException("fixed output length: " + tokens + " (expected: >= 1)");
            }
        }

        @Override
        public int sample(RandomGenerator random) {
            return tokens;
        }

        @Override
        public String spec() {
            return "fixed:" + tokens;
        }
    }

    record Uniform(int min, int max) implements OutputLengthDistribution {
        public Uniform {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException(
                        "uniform output length: " + min + ".." + max + " (expected: 1 <= min <= max)");
            }
        }

        @Override
        public int sample(RandomGenerator random) {
            return min == max ? min : random.nextInt(min, max + 1);
        }

        @Override
        public String spec() {
            return "uniform:" + min + ":" + max;
        }
    }

    record Normal(double mean, double sd) implements OutputLengthDistribution {
        public Normal {
            if (!(mean >= 1) || !(sd >= 0)) {
                throw new IllegalArgumentException(
                        "normal output length: mean " + mean + ", sd " + sd + " (expected: mean >= 1, sd >= 0)");
            }
        }

        @Override
        public int sample(RandomGenerator random) {
            return (int) Math.max(1, Math.round(mean + sd * random.nextGaussian()));
        }

        @Override
        public String spec() {
            return "normal:" + mean + ":" + sd;
        }
    }

    record LogNormal(double mean, double sigma) implements OutputLengthDistribution {
        public LogNormal {
            if (!(mean >= 1) || !(sigma >= 0) || sigma > 5) {
                throw new IllegalArgumentException("lognormal output length: mean " + mean + ", sigma " + sigma
                        + " (expected: mean >= 1, 0 <= sigma <= 5)");
            }
        }

        @Override
        public int sample(RandomGenerator random) {
            // E[X] = exp(mu + sigma^2/2), so choose mu to hit the requested mean
            double mu = Math.log(mean) - sigma * sigma / 2;
            return (int) Math.max(1, Math.round(Math.exp(mu + sigma * random.nextGaussian())));
        }

        @Override
        public String spec() {
            return "lognormal:" + mean + ":" + sigma;
        }
    }

    /**
     * Parses a spec string.
     *
     * @throws IllegalArgumentException naming the spec and the accepted forms when it does not parse
     */
    static OutputLengthDistribution parse(String spec) {
        String[] p = spec.trim().split(":");
        try {
            return switch (p[0].toLowerCase(Locale.ROOT)) {
                case "fixed" -> {
                    requireParts(spec, p, 2);
                    yield new Fixed(Integer.parseInt(p[1]));
                }
                case "uniform" -> {
                    requireParts(spec, p, 3);
                    yield new Uniform(Integer.parseInt(p[1]), Integer.parseInt(p[2]));
                }
                case "normal" -> {
                    requireParts(spec, p, 3);
                    yield new Normal(Double.parseDouble(p[1]), Double.parseDouble(p[2]));
                }
                case "lognormal" -> {
                    requireParts(spec, p, 3);
                    yield new LogNormal(Double.parseDouble(p[1]), Double.parseDouble(p[2]));
                }
                default -> throw new IllegalArgumentException(badSpec(spec));
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(badSpec(spec), e);
        }
    }

    private static void requireParts(String spec, String[] parts, int n) {
        if (parts.length != n) {
            throw new IllegalArgumentException(badSpec(spec));
        }
    }

    private static String badSpec(String spec) {
        return "output length distribution: '" + spec
                + "' (expected: fixed:N, uniform:MIN:MAX, normal:MEAN:SD or lognormal:MEAN:SIGMA)";
    }
}
