package io.infergate.api.load;

import io.infergate.api.Problem;
import io.infergate.api.model.ManifestSet;
import java.util.List;
import java.util.Objects;

/**
 * What a load produced: the objects and every problem found. Immutable.
 *
 * @param problems in the order found (files in order, then position)
 */
public record LoadResult(ManifestSet manifests, List<Problem> problems) {

    public LoadResult {
        Objects.requireNonNull(manifests, "manifests");
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }
}
