package io.infergate.bench.workload;

/** A trace line that is not a valid request; the message names the source, the line (1-based) and the field. */
public final class TraceFormatException extends RuntimeException {

    private final int line;

    public TraceFormatException(String source, int line, String detail) {
        super(source + " line " + line + ": " + detail);
        this.line = line;
    }

    /** The offending line, 1-based. */
    public int line() {
        return line;
    }
}
