package io.infergate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.load.LoadResult;
import java.util.List;

/** Test helpers: load a text as {@code test.yaml} and assert on its single problem. */
final class Yaml {

    static final String FILE = "test.yaml";

    private Yaml() {}

    static LoadResult load(String yaml) {
        return Manifests.load(FILE, yaml);
    }

    /** Asserts the text has exactly one problem, and that it is this one. */
    static Problem single(String yaml, Severity severity, int line, String object, String field, String message) {
        List<Problem> problems = load(yaml).problems();
        assertThat(problems).as("problems of\n" + yaml).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.severity()).as(p.format()).isEqualTo(severity);
        assertThat(p.location().file()).as(p.format()).isEqualTo(FILE);
        assertThat(p.location().line()).as(p.format()).isEqualTo(line);
        assertThat(p.object()).as(p.format()).isEqualTo(object);
        assertThat(p.field()).as(p.format()).isEqualTo(field);
        assertThat(p.message()).as(p.format()).contains(message);
        return p;
    }

    static Problem error(String yaml, int line, String object, String field, String message) {
        return single(yaml, Severity.ERROR, line, object, field, message);
    }
}
