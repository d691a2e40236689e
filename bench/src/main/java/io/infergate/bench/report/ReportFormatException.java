package io.infergate.bench.report;

/**
 * A sweep report file that cannot be read back: not JSON, or a field missing or of the wrong type. The message
 * names the source and the field's path, e.g. {@code sweep.json: points[3].summary.ttftP90: "fast" (expected: a
 * number or null)}.
 */
public final class ReportFormatException extends RuntimeException {

    public ReportFormatException(String source, String path, String detail) {
        super(source + ": " + (path.isEmpty() ? "" : path + ": ") + detail);
    }

    public ReportFormatException(String source, String path, String detail, Throwable cause) {
        super(source + ": " + (path.isEmpty() ? "" : path + ": ") + detail, cause);
    }
}
