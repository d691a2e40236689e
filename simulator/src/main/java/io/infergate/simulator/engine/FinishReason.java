package io.infergate.simulator.engine;

/** Why a request ended; {@link #label()} is the value vLLM puts in {@code finished_reason}. */
public enum FinishReason {
    /** The model emitted its end-of-sequence token (the sampled output length was reached). */
    STOP("stop"),
    /** {@code max_tokens} or the context length was reached. */
    LENGTH("length"),
    /** The client went away or the request was cancelled. */
    ABORT("abort");

    private final String label;

    FinishReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
