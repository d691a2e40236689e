package io.infergate.gateway.route;

import java.util.Objects;

/**
 * Names the route rule that served a request, for access logs and metric labels. Immutable.
 *
 * @param kind      {@code HTTPRoute} or {@code TCPRoute}
 * @param rule      0-based index of the rule within the route
 * @param ruleName  the rule's {@code name}, empty when it has none
 */
public record RouteId(String kind, String namespace, String name, int rule, String ruleName) {

    public RouteId {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ruleName, "ruleName");
        if (rule < 0) {
            throw new IllegalArgumentException("rule: " + rule + " (expected: >= 0)");
        }
    }

    /** {@code HTTPRoute default/r rule 0} (or {@code rule "name"} when the rule is named). */
    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name + " rule "
                + (ruleName.isEmpty() ? String.valueOf(rule) : "\"" + ruleName + "\"");
    }
}
