package io.infergate.scheduler.metrics;

import java.util.List;

/**
 * What one {@link PrometheusTextParser#parse} call did.
 *
 * <p>Immutable; any thread.
 *
 * @param lines        lines seen (a final line without a newline counts)
 * @param samples      samples delivered to the visitor
 * @param problems     the first {@link PrometheusTextParser#MAX_REPORTED_PROBLEMS} problems, in line order
 * @param problemCount all problems, including those not listed
 */
public record ParseResult(int lines, int samples, List<ParseProblem> problems, int problemCount) {

    public ParseResult {
        problems = List.copyOf(problems);
        if (problemCount < problems.size()) {
            throw new IllegalArgumentException(
                    "problemCount: " + problemCount + " (expected: >= " + problems.size() + ", the problems listed)");
        }
    }

    /** Whether any line was bad. */
    public boolean hasProblems() {
        return problemCount > 0;
    }
}
