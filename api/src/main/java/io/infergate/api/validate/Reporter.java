package io.infergate.api.validate;

import io.infergate.api.Problem;
import io.infergate.api.Severity;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.Resource;
import java.util.ArrayList;
import java.util.List;

/** Collects problems about objects of one set, placing each at the line where the field was written. */
final class Reporter {

    private final ManifestSet set;
    private final List<Problem> problems = new ArrayList<>();

    Reporter(ManifestSet set) {
        this.set = set;
    }

    ManifestSet set() {
        return set;
    }

    void error(Resource r, String path, String message) {
        add(Severity.ERROR, r, path, message);
    }

    void warning(Resource r, String path, String message) {
        add(Severity.WARNING, r, path, message);
    }

    private void add(Severity severity, Resource r, String path, String message) {
        problems.add(new Problem(severity, set.locate(r, path), r.displayName(), path, message));
    }

    /** Range check with the house message: {@code "found 70000 (expected: 1..65535)"}. */
    boolean range(Resource r, String path, long value, long min, long max) {
        if (value < min || value > max) {
            error(r, path, "found " + value + " (expected: " + min + ".." + max + ")");
            return false;
        }
        return true;
    }

    /** Max-items check. */
    void maxItems(Resource r, String path, int size, int max) {
        if (size > max) {
            error(r, path, "found " + size + " items (expected: at most " + max + ")");
        }
    }

    List<Problem> problems() {
        return problems;
    }
}
