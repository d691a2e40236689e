package io.infergate.bench.workload;

import java.util.Iterator;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * ShareGPT-like single-turn chat: an endless stream of unique prompts whose input and output lengths follow
 * {@link LengthDistribution#shareGptInput()} / {@link LengthDistribution#shareGptOutput()} (means 202 / 179 tokens,
 * heavy-tailed; see {@link LogNormalLengths}). Each prompt is fresh {@link Text}, so prompts share no prefix beyond
 * chance, as real ShareGPT first turns mostly do not. Requests carry {@link WorkloadRequest#STANDARD} priority,
 * no session, fairness id {@value #FAIRNESS_ID}, and arrival 0 (see {@link Schedule}).
 *
 * <p>Never ends ({@link #hasNext()} is always true). Not thread-safe.
 */
public final class ShareGptLike implements Iterator<WorkloadRequest> {

    public static final String FAIRNESS_ID = "sharegpt";

    private final String model;
    private final LengthDistribution input;
    private final LengthDistribution output;
    private final SplittableRandom rnd;

    /** ShareGPT-like lengths for {@code model}. */
    public ShareGptLike(String model, long seed) {
        this(model, LengthDistribution.shareGptInput(), LengthDistribution.shareGptOutput(), seed);
    }

    /** Other length distributions, e.g. a prefill- or decode-heavy mix. */
    public ShareGptLike(String model, LengthDistribution input, LengthDistribution output, long seed) {
        this.model = Objects.requireNonNull(model, "model");
        this.input = Objects.requireNonNull(input, "input");
        this.output = Objects.requireNonNull(output, "output");
        this.rnd = new SplittableRandom(seed);
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public WorkloadRequest next() {
        int in = input.sample(rnd);
        int out = output.sample(rnd);
        return WorkloadRequest.of(model, WorkloadRequest.STANDARD, Text.of(rnd, in), out, "", FAIRNESS_ID);
    }
}
