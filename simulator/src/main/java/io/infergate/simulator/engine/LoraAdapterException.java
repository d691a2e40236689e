package io.infergate.simulator.engine;

/**
 * A runtime LoRA load or unload was refused. The message is the one vLLM returns, so the HTTP front can
 * pass it through unchanged.
 */
public final class LoraAdapterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the operation was refused. */
    public enum Reason {
        /** {@code load_lora_adapter} for a name that is already loaded. */
        ALREADY_LOADED,
        /** {@code unload_lora_adapter} for a name that is not loaded. */
        NOT_FOUND,
        /** The name or path is unusable (blank, or the base model's name). */
        INVALID
    }

    private final Reason reason;

    public LoraAdapterException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
