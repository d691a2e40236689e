package io.infergate.scheduler.metrics;

import java.util.Objects;

/**
 * Something that kept one value of a scrape from being known. Problems are data, not failures: the extractor
 * lists them next to whatever it could read, and the caller decides what to log or show.
 *
 * <p>Immutable; any thread.
 *
 * @param kind    what went wrong
 * @param message for a human: names the metric (or spec) and, for parse errors, the line
 */
public record MetricsProblem(Kind kind, String message) {

    /** The kinds of problem. */
    public enum Kind {
        /** No series matched an enabled spec, or a label the mapping reads was absent. */
        MISSING,
        /** A series matched but its value or label could not be used (NaN, negative count, not an integer...). */
        BAD_VALUE,
        /** The matching family is a histogram or summary; only gauge, counter and untyped values are read. */
        UNSUPPORTED_TYPE,
        /** A line of the scrape could not be parsed; it was skipped. */
        PARSE_ERROR,
        /** The endpoint's engine-type label names no mapping; the default engine was used. */
        UNKNOWN_ENGINE
    }

    public MetricsProblem {
        Objects.requireNonNull(kind, "kind");
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message: blank (expected: a description)");
        }
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
