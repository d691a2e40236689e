package io.infergate.api;

import java.util.Comparator;
import java.util.Objects;

/**
 * One thing wrong with a set of manifests, pinned to a file position, an object and a field.
 *
 * <p>Immutable and thread-safe. Loading and validation never throw on bad input; they return problems.
 * {@link #format()} gives the compiler-style line printed by {@code infergate validate}:
 * {@code FILE:LINE:COL: error: Kind/name: field.path: message}.
 *
 * @param severity error or warning
 * @param location where the offending value (or, for a missing field, its parent) starts
 * @param object   {@code Kind/name} of the object, or empty when the problem is about a file or document
 * @param field    the field path ({@code spec.targetPorts[1].number}), or empty for the whole object or file
 * @param message  what was found and what was expected
 */
public record Problem(Severity severity, Location location, String object, String field, String message) {

    /** Orders problems by file, line, column, then message: the order in which a user reads a file. */
    public static final Comparator<Problem> BY_POSITION = Comparator.comparing(
                    (Problem p) -> p.location().file())
            .thenComparingInt(p -> p.location().line())
            .thenComparingInt(p -> p.location().column())
            .thenComparing(Problem::message);

    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
        if (message.isBlank()) {
            throw new IllegalArgumentException("message: blank (expected: a description of the problem)");
        }
    }

    public static Problem error(Location location, String object, String field, String message) {
        return new Problem(Severity.ERROR, location, object, field, message);
    }

    public static Problem warning(Location location, String object, String field, String message) {
        return new Problem(Severity.WARNING, location, object, field, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code FILE:LINE:COL: error: Kind/name: field.path: message}; empty parts are left out with their colon. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(location).append(": ").append(severity.label()).append(": ");
        if (!object.isEmpty()) {
            sb.append(object).append(": ");
        }
        if (!field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
