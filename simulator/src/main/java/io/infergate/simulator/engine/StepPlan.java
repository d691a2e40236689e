package io.infergate.simulator.engine;

/**
 * One engine step as scheduled by {@link Engine#beginStep()}: which tokens run and how long the forward
 * pass takes. The driver lets {@link #durationNanos()} pass on its clock, then calls
 * {@link Engine#finishStep(StepPlan)}.
 *
 * <p>Opaque to drivers except for the timing and the summary counts; owned by the engine thread.
 */
public final class StepPlan {

    final Seq[] seqs;
    final int[] tokens;
    final int size;
    private final long startNanos;
    private final long durationNanos;
    private final int prefillTokens;
    private final int decodeSeqs;

    StepPlan(
            Seq[] seqs,
            int[] tokens,
            int size,
            long startNanos,
            long durationNanos,
            int prefillTokens,
            int decodeSeqs) {
        this.seqs = seqs;
        this.tokens = tokens;
        this.size = size;
        this.startNanos = startNanos;
        this.durationNanos = durationNanos;
        this.prefillTokens = prefillTokens;
        this.decodeSeqs = decodeSeqs;
    }

    public long startNanos() {
        return startNanos;
    }

    public long durationNanos() {
        return durationNanos;
    }

    /** When the step's tokens are ready: {@code startNanos + durationNanos}. */
    public long endNanos() {
        return startNanos + durationNanos;
    }

    /** Requests in this step. */
    public int batchSize() {
        return size;
    }

    /** Prefill-chunk tokens computed this step (prefix-cache hits excluded). */
    public int prefillTokens() {
        return prefillTokens;
    }

    /** Sequences decoding one token this step. */
    public int decodeSeqs() {
        return decodeSeqs;
    }

    public int scheduledTokens() {
        return prefillTokens + decodeSeqs;
    }
}
