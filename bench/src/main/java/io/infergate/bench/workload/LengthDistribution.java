package io.infergate.bench.workload;

import java.util.SplittableRandom;

/**
 * A distribution of token counts (prompt, question or output lengths). Implementations are immutable records and
 * thread-safe; the randomness comes from the caller's generator, so a seeded caller gets seeded lengths.
 */
public interface LengthDistribution {

    /** One length, {@code >= 1}. */
    int sample(SplittableRandom rnd);

    /** The distribution's mean (of the values {@link #sample} returns, before rounding). */
    double mean();

    /**
     * ShareGPT-like prompt lengths: mean 202 tokens (the vLLM v0.6 blog's ShareGPT sample, Llama-3 tokenizer,
     * blog.vllm.ai/2024/09/05/perf-update.html), see {@link LogNormalLengths#SHAREGPT_INPUT}.
     */
    static LengthDistribution shareGptInput() {
        return LogNormalLengths.SHAREGPT_INPUT;
    }

    /** ShareGPT-like output lengths: mean 179 tokens (same source), see {@link LogNormalLengths#SHAREGPT_OUTPUT}. */
    static LengthDistribution shareGptOutput() {
        return LogNormalLengths.SHAREGPT_OUTPUT;
    }

    /** Always {@code tokens}. */
    static LengthDistribution fixed(int tokens) {
        return new Fixed(tokens);
    }

    /**
     * A normal distribution rounded and resampled until it falls in {@code [min, max]} (the GIE multi-chat configs
     * use q~N(30, 9), o~N(1000, 300); GIE {@code benchmarking/prefix-cache-aware/}).
     */
    static LengthDistribution normal(double mean, double sd, int min, int max) {
        return new Normal(mean, sd, min, max);
    }

    /** @param tokens {@code >= 1} */
    record Fixed(int tokens) implements LengthDistribution {
        public Fixed {
            if (tokens < 1) {
                throw new IllegalArgumentException("tokens: " + tokens + " (expected: >= 1)");
            }
        }

        @Override
        public int sample(SplittableRandom rnd) {
            return tokens;
        }

        @Override
        public double mean() {
            return tokens;
        }
    }

    /**
     * @param mean the untruncated mean
     * @param sd   {@code >= 0}
     * @param min  {@code >= 1}
     * @param max  {@code >= min}; {@code [min, max]} must hold a fair part of the mass or sampling is slow
     */
    record Normal(double mean, double sd, int min, int max) implements LengthDistribution {
        public Normal {
            if (!(sd >= 0) || Double.isInfinite(sd)) {
                throw new IllegalArgumentException("sd: " + sd + " (expected: finite, >= 0)");
            }
            checkBounds(min, max);
        }

        @Override
        public int sample(SplittableRandom rnd) {
            for (int i = 0; i < 1_000; i++) {
                long v = Math.round(mean + sd * Randoms.normal(rnd));
                if (v >= min && v <= max) {
                    return (int) v;
                }
            }
            // only reachable when [min, max] lies far in a tail: clamp rather than spin
            return (int) Math.max(min, Math.min(max, Math.round(mean)));
        }
    }

    static void checkBounds(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("bounds: [" + min + ", " + max + "] (expected: 1 <= min <= max)");
        }
    }
}
