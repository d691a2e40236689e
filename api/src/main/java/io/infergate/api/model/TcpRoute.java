package io.infergate.api.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A TCPRoute ({@code gateway.networking.k8s.io/v1alpha2}, also accepted as {@code v1}): plain TCP forwarding
 * from a TCP listener to Services, round-robin within a rule. Immutable.
 *
 * @param apiVersion the version the manifest used; limits differ (v1alpha2: 1..16 rules, v1: exactly 1)
 */
public record TcpRoute(
        ObjectMeta metadata, Origin origin, String apiVersion, List<ParentRef> parentRefs, List<Rule> rules)
        implements Resource {

    public static final String KIND = "TCPRoute";

    public TcpRoute {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Copies.str(apiVersion, "apiVersion");
        parentRefs = Copies.list(parentRefs, "parentRefs");
        rules = Copies.list(rules, "rules");
    }

    @Override
    public String kind() {
        return KIND;
    }

    public record Rule(Optional<String> name, List<BackendRef> backendRefs) {
        public Rule {
            Objects.requireNonNull(name, "name");
            backendRefs = Copies.list(backendRefs, "backendRefs");
        }
    }
}
