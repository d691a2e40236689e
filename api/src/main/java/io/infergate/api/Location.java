package io.infergate.api;

import java.util.Objects;

/**
 * A place in a manifest file: the file as the user named it and a 1-based line and column.
 *
 * <p>Immutable and thread-safe. {@link #UNKNOWN} stands for problems that belong to no file position (for
 * example a file that could not be read has line and column 0).
 *
 * @param file   the file name as given on the command line or the source name passed to the loader
 * @param line   1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 */
public record Location(String file, int line, int column) {

    /** No file, no line: used only where nothing better is known. */
    public static final Location UNKNOWN = new Location("<unknown>", 0, 0);

    public Location {
        Objects.requireNonNull(file, "file");
        if (line < 0) {
            throw new IllegalArgumentException("line: " + line + " (expected: >= 0)");
        }
        if (column < 0) {
            throw new IllegalArgumentException("column: " + column + " (expected: >= 0)");
        }
    }

    /** The start of a file (line 1, column 1), for problems about a whole file. */
    public static Location startOf(String file) {
        return new Location(file, 1, 1);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
