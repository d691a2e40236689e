package io.infergate.scheduler.metrics;

/**
 * One line the {@link PrometheusTextParser} could not use, and why. The line was skipped; the rest of the text
 * was still read.
 *
 * <p>Immutable; any thread.
 *
 * @param line   the 1-based line number
 * @param reason what was wrong, for a human; quotes at most a short, sanitized piece of the input
 */
public record ParseProblem(int line, String reason) {

    public ParseProblem {
        if (line < 1) {
            throw new IllegalArgumentException("line: " + line + " (expected: >= 1)");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason: blank (expected: a description)");
        }
    }

    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
