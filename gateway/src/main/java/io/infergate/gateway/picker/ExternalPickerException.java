package io.infergate.gateway.picker;

/**
 * Why an external endpoint picker gave no decision. Unchecked, no stack trace: it describes the picker, not a bug.
 *
 * @see ExternalPickCall#decision()
 */
public final class ExternalPickerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean malformed;

    /**
     * @param message   names the picker and what went wrong
     * @param malformed whether the picker answered, but with something the protocol does not allow (the gateway
     *                  answers 500 rather than 503 when it fails closed)
     */
    public ExternalPickerException(String message, boolean malformed) {
        super(message, null, false, false);
        this.malformed = malformed;
    }

    public boolean malformed() {
        return malformed;
    }
}
